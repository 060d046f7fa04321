"""The entry page's form as a person posts it, for the tests that save through the page."""


def entry_post_data(formset, value_of) -> dict:
    """Every row of the page's formset as posted, with ``value_of(form)`` typed as its value ("" for
    none) and no answer or comment."""
    data = {
        "form-TOTAL_FORMS": str(formset.total_form_count()),
        "form-INITIAL_FORMS": str(formset.initial_form_count()),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for index, form in enumerate(formset.forms):
        for name in ("measure_id", "sex", "version"):
            data[f"form-{index}-{name}"] = form.initial[name]
        data.update(
            {f"form-{index}-value": value_of(form), f"form-{index}-accomplished": "", f"form-{index}-comment": ""}
        )
    return data
