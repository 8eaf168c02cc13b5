"""Text users typed is escaped in pages, also inside translated messages."""

from flask import render_template_string

from grants.i18n import lazy_gettext as _l


def test_a_lazy_message_with_user_text_is_escaped_in_a_page(app, db):
    with app.test_request_context():
        message = _l(
            "%(name)s is already a partner of this application.", name="<script>alert(1)</script>"
        )
        html = render_template_string("<p>{{ message }}</p>", message=message)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; is already a partner" in html


def test_a_form_label_still_renders_once_escaped(app, db):
    from wtforms import Form, StringField

    class F(Form):
        name = StringField(_l("Name of the local authority"))

    with app.test_request_context():
        assert str(F().name.label) == '<label for="name">Name of the local authority</label>'
