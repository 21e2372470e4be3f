"""File-name slugs: readable Chinese, never a path."""

from __future__ import annotations

import pytest

from assistant.report.slug import slug


class TestSlug:
    def test_keeps_chinese_letters_and_digits(self) -> None:
        assert slug("人工智能领域可转化成果简报") == "人工智能领域可转化成果简报"
        assert slug("压电贴片: 一种低功耗/测温方法 v2") == "压电贴片-一种低功耗-测温方法-v2"

    @pytest.mark.parametrize("text", ["../../escape", "/etc/passwd", "..", ".hidden", "_skipped", "a\nb", "C:\\x"])
    def test_never_a_path_a_parent_or_a_skipped_name(self, text: str) -> None:
        made = slug(text)
        assert "/" not in made and "\\" not in made and "." not in made and "\n" not in made
        assert not made.startswith(("-", "_"))

    def test_fallback_and_length(self) -> None:
        assert slug("///", fallback="简报") == "简报"
        assert len(slug("字" * 100)) == 40 and len(slug("字" * 100, max_chars=10)) == 10
