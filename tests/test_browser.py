"""What readers, senders, administrators and editors do, done in a real browser (headless Chromium) on a live server.

The site holds the project's own fixtures, as after `make run`. Screenshots of the main pages are kept in
$ARTIFACTS_DIR/screenshots (test-artifacts/screenshots by default) for people to look at.
"""

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from PIL import Image as PillowImage
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import Select, WebDriverWait

from newsroom.management.commands.audit_pages import public_paths
from newsroom.models import Article

from .browser import PHONE, axe_violations, forget_visitor, save_full_page
from .factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HAI_DUONG_STORY = "Tăng cường mối quan hệ hợp tác sâu rộng giữa tỉnh Hải Dương và Suwon (Hàn Quốc)"
QUANG_TRI_STORY = "Tọa đàm kỷ niệm 25 năm thiết lập quan hệ ngoại giao Việt Nam - Hàn Quốc"
SERIOUS = frozenset({"serious", "critical"})


@pytest.fixture
def site(roles):
    """The places and seed stories, loaded by the command `make run` uses."""
    call_command("load_fixtures", verbosity=0)


def visit(driver: WebDriver, live_server, path: str) -> None:
    driver.get(live_server.url + path)


def go(driver: WebDriver, act: Callable[[], object]) -> None:
    """Do what leads to another page (a click, a key), and wait until that page has replaced this one.

    Asked about the old page mid-navigation, Chromium may answer "Node with given id does not belong to the
    document" instead of calling it stale; the wait asks again, and a moment later it is stale.
    """
    page = driver.find_element(By.TAG_NAME, "html")
    act()
    WebDriverWait(driver, 10, ignored_exceptions=[WebDriverException]).until(staleness_of(page))


def follow(driver: WebDriver, text: str, within: str = "body") -> None:
    """Click the link with exactly this text, as a reader would."""
    go(driver, driver.find_element(By.CSS_SELECTOR, within).find_element(By.LINK_TEXT, text).click)


def heading(driver: WebDriver) -> str:
    return driver.find_element(By.TAG_NAME, "h1").text


def breadcrumbs(driver: WebDriver) -> list[str]:
    return [item.text for item in driver.find_elements(By.CSS_SELECTOR, "nav.breadcrumbs li")]


def main_text(driver: WebDriver) -> str:
    return driver.find_element(By.TAG_NAME, "main").text


def read_by_province(driver: WebDriver, live_server) -> None:
    """Home, the provinces, Hải Phòng (which took in Hải Dương in 2025), and the Hải Dương–Suwon story."""
    visit(driver, live_server, "/")
    follow(driver, "Tỉnh, thành", within="nav.site-nav")
    assert heading(driver) == "Tỉnh, thành phố"
    follow(driver, "Hải Phòng", within="main")
    assert heading(driver) == "Thành phố Hải Phòng"
    assert "Tỉnh Hải Dương" in driver.find_element(By.CSS_SELECTOR, "main .notice").text
    follow(driver, HAI_DUONG_STORY, within="main")


def test_a_reader_goes_from_the_home_page_through_a_province_to_a_story(browser, live_server, site):
    read_by_province(browser, live_server)
    assert heading(browser) == HAI_DUONG_STORY
    assert browser.title.startswith(HAI_DUONG_STORY)
    assert breadcrumbs(browser) == ["Trang chủ", "Tin tức", HAI_DUONG_STORY]
    assert "Suwon" in browser.find_element(By.CSS_SELECTOR, ".article__body").text


def test_a_reader_finds_a_story_with_the_search_box(browser, live_server, site):
    """The first box named q on the news page: the header's search once the site has one, the news filter now."""
    visit(browser, live_server, "/")
    follow(browser, "Tin tức", within="nav.site-nav")
    box = browser.find_element(By.CSS_SELECTOR, "form input[name='q']")
    assert box.accessible_name
    box.send_keys("Suwon")
    go(browser, lambda: box.send_keys(Keys.ENTER))
    results = main_text(browser)
    assert HAI_DUONG_STORY in results
    assert QUANG_TRI_STORY not in results
    follow(browser, HAI_DUONG_STORY, within="main")
    assert heading(browser) == HAI_DUONG_STORY


def photo(directory: Path) -> Path:
    """A small real JPEG, as a phone camera would send (with detail, so it is not a blank square)."""
    picture = PillowImage.linear_gradient("L").resize((800, 600)).convert("RGB")
    path = directory / "anh-le-ky-ket.jpg"
    picture.save(path, format="JPEG", quality=85)
    return path


def sign_in(driver: WebDriver, live_server, user) -> None:
    """Sign in through the admin's login form, as staff do."""
    visit(driver, live_server, reverse("admin:index"))
    driver.find_element(By.NAME, "username").send_keys(user.username)
    driver.find_element(By.NAME, "password").send_keys("mat-khau-thu")
    go(driver, driver.find_element(By.CSS_SELECTOR, "form input[type='submit']").click)
    assert driver.find_elements(By.ID, "user-tools"), main_text(driver)


def open_admin_list(driver: WebDriver, url_name: str) -> None:
    """Follow the admin home's link to a list."""
    go(driver, driver.find_element(By.CSS_SELECTOR, f"#content-main a[href='{reverse(url_name)}']").click)


def admin_messages(driver: WebDriver) -> str:
    return "\n".join(item.text for item in driver.find_elements(By.CSS_SELECTOR, "ul.messagelist li"))


TITLE = "Hải Phòng và Busan ký biên bản hợp tác đào tạo nghề"
TEXT = "Sáng 3/12, hai bên ký biên bản ghi nhớ về đào tạo nghề cho thanh niên.\n\nĐoạn thứ hai của bài."


def send_story(driver: WebDriver, live_server, picture: Path) -> None:
    visit(driver, live_server, "/")
    follow(driver, "Gửi tin bài", within="nav.site-nav")
    form = driver.find_element(By.CSS_SELECTOR, "form.submission-form")
    form.find_element(By.NAME, "name").send_keys("Nguyễn Thị Lan")
    form.find_element(By.NAME, "email").send_keys("lan@example.test")
    form.find_element(By.NAME, "organisation").send_keys("Sở Ngoại vụ Hải Phòng")
    form.find_element(By.CSS_SELECTOR, "input[name='kind'][value='news']").click()
    form.find_element(By.NAME, "title").send_keys(TITLE)
    form.find_element(By.NAME, "text").send_keys(TEXT)
    Select(form.find_element(By.NAME, "province")).select_by_visible_text("Hải Phòng")
    Select(form.find_element(By.NAME, "country")).select_by_visible_text("Hàn Quốc")
    form.find_element(By.NAME, "images").send_keys(str(picture))
    form.find_element(By.NAME, "consent").click()
    go(driver, form.find_element(By.CSS_SELECTOR, "button[type='submit']").click)
    assert heading(driver) == "Cảm ơn bạn đã gửi bài"


def approve_in_queue(driver: WebDriver, live_server) -> None:
    """An administrator opens the moderation queue from the admin home and approves the story."""
    open_admin_list(driver, "admin:newsroom_submission_changelist")
    row = driver.find_element(By.XPATH, f"//tr[.//a[normalize-space()='{TITLE}']]")
    row.find_element(By.NAME, "_selected_action").click()
    Select(driver.find_element(By.NAME, "action")).select_by_value("approve")
    go(driver, driver.find_element(By.NAME, "index").click)
    assert "Đã duyệt, tạo bản nháp: 1 bài gửi." in admin_messages(driver)


def publish_draft(driver: WebDriver, live_server) -> None:
    """An editor opens the draft from the articles list and publishes it; no time given means now."""
    open_admin_list(driver, "admin:newsroom_article_changelist")
    go(driver, driver.find_element(By.XPATH, f"//tr[td[normalize-space()='{TITLE}']]/th/a").click)
    Select(driver.find_element(By.NAME, "status")).select_by_value("published")
    go(driver, driver.find_element(By.NAME, "_save").click)
    assert TITLE in admin_messages(driver), main_text(driver)


def test_a_sent_story_with_a_photo_reaches_the_site_once_approved_and_published(browser, live_server, site, tmp_path):
    administrator, editor = make_user("Administrators"), make_user("Editors")
    send_story(browser, live_server, photo(tmp_path))

    sign_in(browser, live_server, administrator)
    approve_in_queue(browser, live_server)
    draft = Article.objects.get(title=TITLE)
    assert draft.cover_image.file

    forget_visitor(browser)
    visit(browser, live_server, draft.get_absolute_url())
    assert heading(browser) == "Không tìm thấy trang"
    assert TITLE not in browser.page_source

    sign_in(browser, live_server, editor)
    publish_draft(browser, live_server)

    forget_visitor(browser)
    visit(browser, live_server, "/")
    follow(browser, "Tin tức", within="nav.site-nav")
    follow(browser, TITLE, within="main")
    assert browser.current_url == live_server.url + draft.get_absolute_url()
    assert heading(browser) == TITLE
    assert "Sáng 3/12, hai bên ký biên bản ghi nhớ" in main_text(browser)
    assert browser.find_element(By.CSS_SELECTOR, f"article img[alt='Ảnh gửi kèm bài “{TITLE}”']")


def test_the_reading_journey_works_on_a_phone(phone, live_server, site):
    visit(phone, live_server, "/")
    assert phone.execute_script("return window.innerWidth") == PHONE["width"]
    for link in phone.find_elements(By.CSS_SELECTOR, "nav.site-nav a"):
        assert usable(phone, link), link.text
    assert not horizontal_scroll(phone)
    read_by_province(phone, live_server)
    assert heading(phone) == HAI_DUONG_STORY
    assert not horizontal_scroll(phone)


def usable(driver: WebDriver, link) -> bool:
    """Shown whole within the screen's width, and the topmost thing where a finger would tap it."""
    return driver.execute_script(
        "const link = arguments[0]; link.scrollIntoView({block: 'center'});"
        "const box = link.getBoundingClientRect();"
        "const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);"
        "return box.width > 0 && box.left >= 0 && box.right <= screen.width && link.contains(hit);",
        link,
    )


def horizontal_scroll(driver: WebDriver) -> bool:
    """Wider than the screen: a phone widens its layout viewport (innerWidth) to fit, so compare with the screen."""
    return driver.execute_script("return document.documentElement.scrollWidth > screen.width")


def screenshot_directory(viewport: str) -> Path:
    root = Path(os.environ.get("ARTIFACTS_DIR") or Path(settings.BASE_DIR) / "test-artifacts")
    return root / "screenshots" / viewport


def screenshot_name(path: str) -> str:
    return path.strip("/").replace("/", "--") or "home"


@pytest.mark.parametrize("viewport", ["browser", "phone"])
def test_screenshots_of_the_main_pages_are_kept(request, live_server, site, viewport):
    driver = request.getfixturevalue(viewport)
    directory = screenshot_directory(viewport)
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("*.png"):
        old.unlink()
    widths = {}
    for path in public_paths():
        visit(driver, live_server, path)
        widths[path] = driver.execute_script("return document.documentElement.clientWidth * window.devicePixelRatio")
        save_full_page(driver, directory / f"{screenshot_name(path)}.png")
    for path, width in widths.items():
        with PillowImage.open(directory / f"{screenshot_name(path)}.png") as shot:
            assert (shot.format, shot.width) == ("PNG", width), path
            assert shot.height >= 400, path
            assert len(shot.convert("L").getcolors(maxcolors=256) or range(257)) > 16, f"{path} looks blank"


def test_no_main_page_scrolls_sideways_on_a_phone(phone, live_server, site):
    wide = []
    for path in public_paths():
        visit(phone, live_server, path)
        if horizontal_scroll(phone):
            wide.append(f"{path}: {phone.execute_script('return document.documentElement.scrollWidth')}px")
    assert not wide, "wider than the phone's 390px: " + ", ".join(wide)


@pytest.mark.parametrize("viewport", ["browser", "phone"])
def test_main_pages_have_no_serious_accessibility_violation(request, live_server, site, viewport):
    driver = request.getfixturevalue(viewport)
    violations = []
    for path in public_paths():
        visit(driver, live_server, path)
        violations += [f"{path}: {violation}" for violation in axe_violations(driver, SERIOUS)]
    assert not violations, "\n".join(violations)
