"""The strings of django-import-export, django-simple-history and django-axes that our admin
shows: none of the three ships a Swedish catalogue. Marking them here puts them in ours (found by
reading their templates and code, Django 6.1 with the versions pyproject.toml installs), so the
import and export pages, the history pages and the login-attempt log read Swedish.
Nothing imports this module; it exists for makemessages.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

IMPORT_EXPORT = [
    gettext_noop(
        "%(exc_name)s encountered while trying to read file. Ensure you have chosen the correct format for the file."
    ),
    gettext_noop("%s through import_export"),
    gettext_noop(
        "Below is a preview of data to be imported. If you are satisfied with the results, click 'Confirm import'"
    ),
    gettext_noop("Confirm import"),
    gettext_noop("Errors"),
    gettext_noop("Export"),
    gettext_noop("Export selected %(verbose_name_plural)s"),
    ngettext_lazy("Export %(len)s selected item.", "Export %(len)s selected items.", "len"),
    gettext_noop("File to import"),
    gettext_noop("Format"),
    gettext_noop("Import"),
    gettext_noop("Import finished: {} new, {} updated, {} deleted and {} skipped {}."),
    gettext_noop("Line number"),
    gettext_noop("New"),
    gettext_noop("No valid data to import. Ensure your file has the correct headers or data for import."),
    gettext_noop("Non field specific"),
    gettext_noop("Please correct these errors in your data where possible, then reupload it using the form above."),
    gettext_noop("Resource"),
    gettext_noop("Row"),
    gettext_noop("Select all"),
    gettext_noop('Select at least 1 field for "%(resource_name)s" to export'),
    gettext_noop("Skipped"),
    gettext_noop("Some rows failed to validate"),
    gettext_noop("Submit"),
    gettext_noop("This exporter will export the following fields: "),
    gettext_noop("This importer will import the following fields: "),
    gettext_noop("Update"),
    gettext_noop("Value could not be parsed."),
    gettext_noop("export failed due to IllegalCharacterError"),
]

SIMPLE_HISTORY = [
    gettext_noop("Change History"),
    gettext_noop("Change history: %s"),
    gettext_noop("Change reason"),
    gettext_noop("Changed by"),
    gettext_noop("Changes"),
    gettext_noop("Choose a date from the list below to revert to a previous version of this object."),
    gettext_noop("Created"),
    gettext_noop("Date/time"),
    gettext_noop("Deleted"),
    gettext_noop("Deleted %(type_name)s"),
    gettext_noop("Or press the 'Change History' button to edit the history."),
    gettext_noop("Press the 'Change History' button below to edit the history."),
    gettext_noop("Press the 'Revert' button below to revert to this version of the object."),
    gettext_noop("Revert"),
    gettext_noop("Revert %(verbose_name)s"),
    gettext_noop("Revert %s"),
    gettext_noop('The %(name)s "%(obj)s" was changed successfully.'),
    gettext_noop("This object doesn't have a change history."),
    gettext_noop("View %s"),
    gettext_noop("View %(verbose_name)s"),
    gettext_noop("View history: %s"),
    gettext_noop("You may edit it again below"),
    ngettext_lazy("entry", "entries", "count"),
]

AXES = [
    gettext_noop("Access Attempt"),
    gettext_noop("Access lock out"),
    gettext_noop("Account locked: too many login attempts. Contact an admin to unlock your account."),
    gettext_noop("Account locked: too many login attempts. Please try again later."),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Attempt Time"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Expires At"),
    gettext_noop("Failed Logins"),
    gettext_noop("Form Data"),
    gettext_noop("GET Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"),
    gettext_noop("Locked Out"),
    gettext_noop("Logout Time"),
    gettext_noop("Meta Data"),
    gettext_noop("Not set"),
    gettext_noop("POST Data"),
    gettext_noop("Path"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("User Agent"),
    gettext_noop("access attempt"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
]

DJANGO_ADMIN = [
    # Django's own Swedish is "Senaste Händelser", with a capital no Swedish title has.
    gettext_noop("Recent actions"),
]
