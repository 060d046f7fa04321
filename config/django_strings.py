"""Django's own strings that its Swedish catalogue does not translate yet.

Django 6.1 added the blank choice label "- Select an option -" to every choice field, but
its sv catalogue has no entry for it, so admin forms showed English. Marking the string here
puts it in our catalogue, which LOCALE_PATHS makes Django search before its own.
"""

from django.utils.translation import gettext_noop

MISSING_IN_DJANGO_SV = [
    gettext_noop("- Select an option -"),
]
