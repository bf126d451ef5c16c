"""Admin sign-in: lockout per account and address (django-axes), strong passwords."""

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

PASSWORD = "mot-mat-khau-dai-va-kho-doan"


@pytest.fixture
def editor(db):
    return User.objects.create_user("bien-tap", password=PASSWORD, is_staff=True)


def sign_in(client, username: str, password: str, address: str = "203.0.113.7"):
    return client.post(
        f"/{settings.ADMIN_PATH}login/?next=/{settings.ADMIN_PATH}",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def fail(client, username: str, times: int, address: str = "203.0.113.7"):
    """Wrong passwords: the login form again, with its error, until the limit's own attempt locks out."""
    for attempt in range(1, times + 1):
        response = sign_in(client, username, "sai-mat-khau", address)
        assert response.status_code == (429 if attempt == settings.AXES_FAILURE_LIMIT else 200)
    return response


def test_right_password_signs_in(client, editor):
    response = sign_in(client, "bien-tap", PASSWORD)
    assert response.status_code == 302
    assert client.get(f"/{settings.ADMIN_PATH}").status_code == 200


def test_repeated_failures_lock_the_account_out_from_that_address_even_with_the_right_password(client, editor):
    assert "Đăng nhập tạm bị khóa" in fail(client, "bien-tap", settings.AXES_FAILURE_LIMIT).text
    response = sign_in(client, "bien-tap", PASSWORD)
    assert response.status_code == 429
    assert "Đăng nhập tạm bị khóa" in response.text
    assert f"sai mật khẩu {settings.AXES_FAILURE_LIMIT} lần" in response.text
    assert "trong 30 phút" in response.text
    assert "Content-Security-Policy" in response.headers
    assert client.get(f"/{settings.ADMIN_PATH}").status_code == 302  # not signed in


def test_lockout_does_not_reach_the_same_account_from_another_address(client, editor):
    fail(client, "bien-tap", settings.AXES_FAILURE_LIMIT)
    assert sign_in(client, "bien-tap", PASSWORD, address="198.51.100.20").status_code == 302


def test_lockout_does_not_reach_another_account_from_the_same_address(client, editor):
    User.objects.create_user("quan-tri", password=PASSWORD, is_staff=True)
    fail(client, "bien-tap", settings.AXES_FAILURE_LIMIT)
    assert sign_in(client, "quan-tri", PASSWORD).status_code == 302


def test_fewer_failures_than_the_limit_do_not_lock_out(client, editor):
    fail(client, "bien-tap", settings.AXES_FAILURE_LIMIT - 1)
    assert sign_in(client, "bien-tap", PASSWORD).status_code == 302


def test_a_successful_sign_in_forgets_earlier_failures(client, editor):
    fail(client, "bien-tap", settings.AXES_FAILURE_LIMIT - 1)
    assert sign_in(client, "bien-tap", PASSWORD).status_code == 302
    client.logout()
    fail(client, "bien-tap", settings.AXES_FAILURE_LIMIT - 1)
    assert sign_in(client, "bien-tap", PASSWORD).status_code == 302


def test_lockout_is_counted_per_network_behind_the_configured_proxy_header(client, editor, settings):
    settings.NEWSROOM_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            f"/{settings.ADMIN_PATH}login/",
            {"username": "bien-tap", "password": "sai"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_REAL_IP="203.0.113.9",
        )
    locked = client.post(
        f"/{settings.ADMIN_PATH}login/",
        {"username": "bien-tap", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_REAL_IP="203.0.113.9",
    )
    elsewhere = client.post(
        f"/{settings.ADMIN_PATH}login/",
        {"username": "bien-tap", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_REAL_IP="198.51.100.4",
    )
    assert locked.status_code == 429
    assert elsewhere.status_code == 302


@pytest.mark.parametrize(
    "password",
    ["ngan-qua-1", "123456789012345", "password1234", "bien-tap-bien-tap"],
    ids=["shorter-than-12", "only-digits", "common", "like-the-username"],
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password, User(username="bien-tap-bien-tap"))


def test_a_long_uncommon_password_is_accepted():
    validate_password("song-hong-chay-qua-ha-noi", User(username="bien-tap"))


def test_password_minimum_length_is_twelve():
    with pytest.raises(ValidationError, match="12"):
        validate_password("ab#cd$ef%gh", User(username="x"))


def test_test_client_login_needs_a_request_under_axes(client, editor):
    """Django's client.login() authenticates without a request, which axes refuses; tests pass one."""
    from axes.exceptions import AxesBackendRequestParameterRequired
    from django.http import HttpRequest

    with pytest.raises(AxesBackendRequestParameterRequired):
        client.login(username="bien-tap", password=PASSWORD)
    assert client.login(request=HttpRequest(), username="bien-tap", password=PASSWORD)


@pytest.mark.parametrize("forwarded", ["", "not-an-address", "<script>", "999.1.1.1"])
def test_a_failed_sign_in_with_a_bogus_client_address_header_is_still_counted_without_error(
    client, editor, settings, forwarded
):
    settings.NEWSROOM_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    response = client.post(
        f"/{settings.ADMIN_PATH}login/",
        {"username": "bien-tap", "password": "sai"},
        REMOTE_ADDR="",
        HTTP_X_REAL_IP=forwarded,
    )
    assert response.status_code == 200
    assert "Hãy nhập đúng" in response.text or "errornote" in response.text
