"""Roles as code: `manage.py setup_roles` makes the groups match newsroom/roles.py, as often as it is run."""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from newsroom.roles import ADMINISTRATORS, EDITORS, permissions_for

pytestmark = pytest.mark.django_db


def codenames(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return set(group.permissions.values_list("codename", flat=True))


def test_command_creates_both_groups(roles):
    assert set(Group.objects.values_list("name", flat=True)) == {EDITORS, ADMINISTRATORS}


def test_editors_write_and_publish_but_do_not_delete_or_moderate(roles):
    editors = codenames(EDITORS)
    assert {"add_article", "change_article", "change_event", "change_partner", "change_partnership"} <= editors
    assert {"add_image", "add_correction", "delete_articleimage"} <= editors
    assert not {"delete_article", "delete_event", "delete_partner", "view_submission", "change_user"} & editors


def test_administrators_also_delete_moderate_and_manage_accounts(roles):
    administrators = codenames(ADMINISTRATORS)
    assert codenames(EDITORS) <= administrators
    assert {"delete_article", "change_submission", "view_submission", "add_user", "change_user"} <= administrators
    assert not {"delete_submission", "delete_user", "add_group", "change_group"} & administrators


def test_running_again_changes_nothing(roles):
    before = {name: codenames(name) for name in (EDITORS, ADMINISTRATORS)}
    call_command("setup_roles", stdout=io.StringIO())
    assert {name: codenames(name) for name in (EDITORS, ADMINISTRATORS)} == before
    assert Group.objects.count() == 2


def test_running_again_withdraws_a_permission_granted_by_hand(roles):
    editors = Group.objects.get(name=EDITORS)
    editors.permissions.add(Permission.objects.get(codename="delete_article"))
    call_command("setup_roles", stdout=io.StringIO())
    assert "delete_article" not in codenames(EDITORS)


def test_a_misspelt_permission_is_an_error(db):
    with pytest.raises(LookupError):
        permissions_for({"newsroom.article": ("publish",)})


def test_command_reports_what_it_set(db):
    output = io.StringIO()
    call_command("setup_roles", stdout=output)
    assert f"{EDITORS}: {len(codenames(EDITORS))} permissions" in output.getvalue()
