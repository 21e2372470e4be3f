"""Roles from identity: the officers' roles file and the role claim, unknown users public."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import ConfigError
from assistant.index.visibility import Role
from assistant.roles import Grant, RolesFile, resolve_grant

ROLES = """\
# officers maintain this file
zhang.san@Example.edu.cn:
  role: researcher
  researcher_id: r-zhang
"8f2c-subject":
  role: officer
li@example.edu.cn:
  role: 企业
"""


@pytest.fixture
def roles(tmp_path: Path) -> RolesFile:
    path = tmp_path / "roles.yaml"
    path.write_text(ROLES, encoding="utf-8")
    return RolesFile.load(path)


class TestRolesFile:
    def test_lookup_by_email_ignores_case_and_by_subject_exactly(self, roles: RolesFile) -> None:
        assert roles.lookup("any", "ZHANG.SAN@example.edu.cn") == Grant(Role.RESEARCHER, "r-zhang")
        assert roles.lookup("8f2c-subject") == Grant(Role.OFFICER)
        assert roles.lookup("8F2C-SUBJECT") is None
        assert roles.lookup("li@example.edu.cn") == Grant(Role.ENTERPRISE)

    @pytest.mark.parametrize(
        ("text", "named"),
        [
            ("a@b.cn: {role: boss}", "role 'boss' 无效"),
            ("a@b.cn: {role: researcher}", "缺少 researcher_id"),
            ("a@b.cn: {role: researcher, researcher_id: 'a/../b'}", "researcher_id 'a/../b' 无效"),
            ("a@b.cn: researcher", "缺少 role"),
            ("- a@b.cn", "映射"),
            ("a: [", "不是有效的 YAML"),
        ],
    )
    def test_a_wrong_file_is_one_line_naming_the_entry(self, tmp_path: Path, text: str, named: str) -> None:
        path = tmp_path / "roles.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError, match=named) as caught:
            RolesFile.load(path)
        assert str(path) in str(caught.value) and "\n" not in str(caught.value).strip()

    def test_a_missing_file_is_a_config_error(self, tmp_path: Path) -> None:
        with pytest.raises(ConfigError, match="无法读取"):
            RolesFile.load(tmp_path / "absent.yaml")


class TestResolveGrant:
    def test_unknown_users_are_enterprise(self, roles: RolesFile) -> None:
        assert resolve_grant({"sub": "x", "email": "x@y.cn"}, roles_file=roles) == Grant(Role.ENTERPRISE)
        assert resolve_grant({"sub": "x"}) == Grant(Role.ENTERPRISE)

    def test_roles_file_wins_over_the_claim(self, roles: RolesFile) -> None:
        claims = {"sub": "s1", "email": "zhang.san@example.edu.cn", "group": "officer"}
        assert resolve_grant(claims, roles_file=roles, role_claim="group") == Grant(Role.RESEARCHER, "r-zhang")

    def test_claim_gives_the_role_and_the_widest_of_several_groups(self) -> None:
        assert resolve_grant({"sub": "s1", "group": "成果转化专员"}, role_claim="group") == Grant(Role.OFFICER)
        assert resolve_grant({"sub": "s1", "group": ["企业", "officer"]}, role_claim="group") == Grant(Role.OFFICER)
        assert resolve_grant({"sub": "s1", "group": "student"}, role_claim="group") == Grant(Role.ENTERPRISE)

    def test_claim_researcher_gets_an_id_only_when_it_is_usable(self) -> None:
        claims = {"sub": "T2023001", "email": "w@x.cn", "group": "researcher", "staff_no": "w@x"}
        assert resolve_grant(claims, role_claim="group") == Grant(Role.RESEARCHER, "T2023001")
        assert resolve_grant(claims, role_claim="group", researcher_id_claim="staff_no") == Grant(Role.RESEARCHER)
