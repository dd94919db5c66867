"""The build step that compiles the gettext catalogs: every `<package>/translations/**/*.po` is
written as `.mo` next to its copy in the build, so a wheel carries compiled catalogs and the
sources carry none (see docs/languages.md)."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class build_py_with_catalogs(build_py):
    def run(self) -> None:
        super().run()
        # imported here: setuptools reads this file before the build dependencies are importable
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        # an editable install builds into the source tree's place, so its catalogs land there
        root = Path(self.build_lib) if not self.editable_mode else Path(__file__).resolve().parent
        for package in ("pwe", "surveys", "analysis"):
            for po in sorted(
                (Path(__file__).resolve().parent / package).glob("**/translations/*/LC_MESSAGES/*.po")
            ):
                relative = po.relative_to(Path(__file__).resolve().parent)
                with po.open("rb") as source:
                    catalog = read_po(source, locale=po.parent.parent.name, domain=po.stem)
                target = (root / relative).with_suffix(".mo")
                target.parent.mkdir(parents=True, exist_ok=True)
                with target.open("wb") as out:
                    write_mo(out, catalog, use_fuzzy=False)


setup(cmdclass={"build_py": build_py_with_catalogs})
