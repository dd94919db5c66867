"""The consultation's own words for the ids in the tables, in the report's language; the id
itself when there is no definition or the id is not in it."""

from __future__ import annotations

from surveys.definition import Consultation, PairsPage, PointsPage, PortfolioPage


class Labels:
    def __init__(self, consultation: Consultation | None, language: str):
        self.consultation, self.language = consultation, language
        self._words: dict[tuple[str, str], str] = {}
        if consultation is not None:
            self._collect(consultation)

    def _text(self, value) -> str:
        return self.consultation.text(value, self.language) if self.consultation else ""

    def _collect(self, consultation: Consultation) -> None:
        words = self._words
        for attribute in consultation.attributes:
            words["attribute", attribute.id] = self._text(attribute.label)
            words["unit", attribute.id] = self._text(attribute.unit)
        for constraint in consultation.constraints:
            words["constraint", constraint.id] = self._text(constraint.label)
            words["unit", constraint.id] = self._text(constraint.unit)
        for page in consultation.pages:
            words["page", page.id] = self._text(page.title) or page.id
            if isinstance(page, PortfolioPage):
                for option in page.options:
                    words["option", option.id] = self._text(option.title)
            elif isinstance(page, PointsPage):
                for goal in page.goals:
                    words["option", goal.id] = self._text(goal.title)
            elif isinstance(page, PairsPage) and page.opt_out:
                words["opt_out", page.id] = self._text(page.opt_out)
            for statement in getattr(page, "statements", ()):
                words["statement", statement.id] = self._text(statement.text)
            for question in getattr(page, "questions", ()):
                words["question", question.id] = self._text(question.label)
                for choice in question.choices:
                    words["choice", f"{question.id}={choice.id}"] = self._text(choice.label)

    def __call__(self, kind: str, key: str) -> str:
        """The words for `key` of this kind (option, page, attribute, unit, constraint,
        statement, question, opt_out), or the key."""
        return self._words.get((kind, str(key))) or str(key)

    def choice(self, question: str, value) -> str:
        return self._words.get(("choice", f"{question}={value}")) or str(value)

    def title(self) -> str:
        return self._text(self.consultation.title) if self.consultation else ""
