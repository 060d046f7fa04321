"""Django's own strings that its Swedish catalogue does not translate yet (Django 6.1).

Without these the admin showed English: the blank choice "- Select an option -" on every
choice field, "Filter by …" above date hierarchies, and a few messages. Marking them here
puts them in our catalogue, which LOCALE_PATHS makes Django search before its own. The
admin's JavaScript strings are in locale/sv/LC_MESSAGES/djangojs.po, written by hand.
Nothing imports this module; it exists for makemessages.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

MISSING_IN_DJANGO_SV = [
    gettext_noop("- Select an option -"),
    gettext_noop("Filter by %(field_name)s"),
    gettext_noop("Logout"),
    gettext_noop('The app "%s" could not be found.'),
    gettext_noop("No %s matches the given query."),
    gettext_noop("“%(value)s” is not a valid binary value."),
    ngettext_lazy("…and %(count)d more object.", "…and %(count)d more objects.", "count"),
]
