"""What a target's wording says about its sign: "-10 % jämfört med 2018" is a reduction."""

import re

# A number written with a sign ("-10 %", "−20 %", "+5 %"), or words that say which way to go.
SIGNED_NUMBER = re.compile(r"(?<![\w,.])([-−–+])\s*\d")
DOWN_WORDS = re.compile(r"\b(minska\w*|sänk\w*|lägre|färre|reducera\w*|halvera\w*|minskning\w*)\b", re.IGNORECASE)
UP_WORDS = re.compile(r"\b(öka\w*|höj\w*|fler|högre|ökning\w*|förbättra\w*)\b", re.IGNORECASE)


def implied_sign(wording: str) -> int | None:
    """-1 when the wording asks for a reduction, +1 for an increase, None when it does not say.

    An explicit sign on the number wins over words ("Minska med -10 %" and "-10 %" are both -1).
    """
    signed = SIGNED_NUMBER.search(wording)
    if signed:
        return 1 if signed.group(1) == "+" else -1
    down, up = bool(DOWN_WORDS.search(wording)), bool(UP_WORDS.search(wording))
    if down != up:
        return -1 if down else 1
    return None
