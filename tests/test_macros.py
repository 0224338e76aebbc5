"""The shared template macros in templates/macros/ write the NHS.UK markup the pages had."""

import re

from learnset.forms import EmptyForm


def _render(app, source, **context):
    with app.test_request_context():
        html = app.jinja_env.from_string(source).render(**context)
    return re.sub(r">\s+<", "><", html).strip()


def test_table_writes_region_caption_and_headers_around_the_rows(app):
    html = _render(
        app,
        '{% from "macros/tables.html" import table %}'
        '{% call table("Members of " ~ name, ["Name", {"text": "Rate", "numeric": true},'
        ' {"hidden": "Actions"}], region="Members", caption_size="s", classes="app-x") %}'
        '<tr class="nhsuk-table__row"><td class="nhsuk-table__cell">Ann</td></tr>'
        "{% endcall %}",
        name="<Set>",
    )
    assert html == (
        '<div class="app-scroll" role="region" aria-label="Members" tabindex="0">'
        '<table class="nhsuk-table app-x">'
        '<caption class="nhsuk-table__caption nhsuk-table__caption--s">Members of &lt;Set&gt;'
        "</caption>"
        '<thead class="nhsuk-table__head"><tr class="nhsuk-table__row">'
        '<th scope="col" class="nhsuk-table__header">Name</th>'
        '<th scope="col" class="nhsuk-table__header nhsuk-table__header--numeric">Rate</th>'
        '<th scope="col" class="nhsuk-table__header">'
        '<span class="nhsuk-u-visually-hidden">Actions</span></th>'
        "</tr></thead>"
        '<tbody class="nhsuk-table__body">'
        '<tr class="nhsuk-table__row"><td class="nhsuk-table__cell">Ann</td></tr>'
        "</tbody></table></div>"
    )


def test_table_caption_is_for_screen_readers_unless_sized_and_region_is_optional(app):
    html = _render(
        app,
        '{% from "macros/tables.html" import table %}'
        '{% call table("Gains", ["Kind"]) %}{% endcall %}',
    )
    assert html.startswith(
        '<table class="nhsuk-table">'
        '<caption class="nhsuk-table__caption nhsuk-u-visually-hidden">Gains</caption>'
    )
    assert "app-scroll" not in html


def test_back_link_keeps_the_space_under_it(app):
    html = _render(
        app,
        '{% from "macros/page.html" import back_link %}'
        '{{ back_link("/cohorts/1", "Back to A & B") }}',
    )
    assert html.startswith('<div class="nhsuk-u-margin-bottom-5">')
    assert 'href="/cohorts/1"' in html
    assert "Back to A &amp; B" in html


def test_confirm_posts_with_csrf_and_offers_a_way_out(app):
    with app.test_request_context():
        form = EmptyForm()
        html = app.jinja_env.from_string(
            '{% from "macros/forms.html" import confirm %}'
            '{{ confirm(form, "Remove Ann", "/members", "Keep them in the set") }}'
        ).render(form=form)
    assert '<form method="post" novalidate>' in html
    assert 'name="csrf_token"' in html
    assert "nhsuk-button--warning" in html
    assert "Remove Ann" in html
    assert '<p><a href="/members">Keep them in the set</a></p>' in html
