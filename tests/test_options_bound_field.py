"""biip.forms.OptionsBoundField: a select's options written in one pass, the chosen one
selected, every label and value escaped, the same options as Django's own widgets give."""

from django import forms
from django.test import SimpleTestCase
from django.utils.html import escape

from biip.forms import OptionsForm


class ColourForm(OptionsForm):
    colour = forms.ChoiceField(
        choices=[("", "Any colour"), ("red", "Red"), ("<b>", "Bold <script>")], required=False
    )


class OptionsTests(SimpleTestCase):
    def test_the_chosen_option_is_selected_and_the_others_are_not(self):
        html = str(ColourForm({"colour": "red"})["colour"].options)
        self.assertIn('<option value="red" selected>Red</option>', html)
        self.assertIn('<option value="">Any colour</option>', html)
        self.assertEqual(html.count(" selected"), 1)

    def test_labels_and_values_are_escaped(self):
        html = str(ColourForm()["colour"].options)
        self.assertIn('<option value="&lt;b&gt;">Bold &lt;script&gt;</option>', html)
        self.assertNotIn("<script>", html)

    def test_the_same_options_as_djangos_subwidgets(self):
        field = ColourForm({"colour": "<b>"})["colour"]
        ours = str(field.options)
        theirs = [
            (str(option.data["value"]), option.data["selected"], option.choice_label)
            for option in field
        ]
        for value, selected, label in theirs:
            chosen = " selected" if selected else ""
            self.assertIn(f'value="{escape(value)}"{chosen}>{escape(label)}</option>', ours)
