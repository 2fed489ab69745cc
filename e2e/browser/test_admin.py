"""/admin.html in a real browser: what an admin does there, checked against the server over REST.

Each test sets up what it needs over REST (its own theatre, so no other test's shows or sales get in the way), works
the page as a person would (typing, choosing, pressing buttons), and checks the outcome both on the page and on the
server. `run.py` runs these after the tests of test_pages.py."""

from __future__ import annotations

import datetime
import os
import time
import uuid
from zoneinfo import ZoneInfo

from selenium.webdriver.support.select import Select

from harness import ApiFailure, check, wait_until
from test_pages import assert_clean, free_seats, rupees

ERRORS_ON_PURPOSE = ("status of 409", "status of 400", "status of 422")


# MARK: helpers


def stamp():
    return uuid.uuid4().hex[:6]


def open_admin(ctx, admin, width=1280, height=1000):
    """The admin page, signed in as `admin`, once every section has loaded."""
    b = ctx.browser(width, height)
    b.sign_in_as(admin)
    b.open("/admin.html")
    wait_until(lambda: b.js("return document.body.dataset.ready") == "true", 10, message="the admin page to load every section")
    return b


def local_day(time_zone, days_ahead):
    return (datetime.datetime.now(ZoneInfo(time_zone)) + datetime.timedelta(days=days_ahead)).date().isoformat()


def utc_of(day, clock, time_zone):
    """"2026-12-08", "18:30" in `time_zone` → "2026-12-08T13:00:00Z"."""
    local = datetime.datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=ZoneInfo(time_zone))
    return local.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def a_city(ctx, admin):
    return next(c for c in ctx.rest.call("GET", "/api/admin/cities?limit=200", token=admin.token)["items"] if c["isActive"])


def new_theatre(ctx, admin, name, city_id, screens=1):
    """A theatre of its own (small screens of 3 × 8 seats at ₹200), so its schedule and sales are this test's alone."""
    layout = {"rows": ["A", "B", "C"], "columns": 8, "aisles": [4], "blocked": [], "categories": [{"name": "Gold", "price": 20000, "rows": ["A", "B", "C"]}]}
    return ctx.rest.call("POST", "/api/admin/theatres", {
        "name": name, "cityId": city_id, "address": "1 Test Road", "amenities": [],
        "screens": [{"screenNumber": n, "name": f"Audi {n}", "layout": layout} for n in range(1, screens + 1)]}, token=admin.token)


def movie_in(ctx, admin, city_id):
    movies = ctx.rest.call("GET", "/api/admin/movies?limit=200", token=admin.token)["items"]
    return next(m for m in movies if m["isActive"] and city_id in m["cityIds"] and m["durationMinutes"] <= 180)


def new_show(ctx, admin, theatre, movie, day, clock, time_zone):
    return ctx.rest.call("POST", "/api/admin/shows", {
        "movieId": movie["id"], "theatreId": theatre["id"], "screenNumber": 1, "startsAt": utc_of(day, clock, time_zone),
        "language": movie["languages"][0], "format": "2D"}, token=admin.token)


def book(ctx, show_id, seats, name="Paying Customer"):
    """A confirmed booking over REST: lock, then pay by UPI. Returns (user, booking)."""
    user = ctx.rest.register(name)
    booking = ctx.rest.lock(user, show_id, seats)
    ctx.rest.pay(user, booking["id"], method="upi")
    return user, ctx.rest.call("GET", f"/api/bookings/{booking['id']}", token=user.token)


def type_into(b, selector, text):
    field = b.driver.find_element("css selector", selector)
    field.clear()
    field.send_keys(text)


def set_value(b, selector, value):
    """For date and time inputs (whose typing depends on the browser's locale): the value, then the events typing sends."""
    b.js("const e = document.querySelector(arguments[0]); e.value = arguments[1];"
         " e.dispatchEvent(new Event('input', {bubbles: true})); e.dispatchEvent(new Event('change', {bubbles: true}))", selector, value)


def choose(b, selector, value):
    Select(b.driver.find_element("css selector", selector)).select_by_value(value)


def message(b, selector):
    """(kind, text) of a form message."""
    return b.js("const e = document.querySelector(arguments[0]); return e && !e.hidden ? [e.dataset.kind || '', e.textContent] : ['', '']", selector)


def schedule_of(b, theatre_id, day):
    choose(b, "#schedule-theatre", theatre_id)
    set_value(b, "#schedule-date", day)
    wait_until(lambda: b.js("const l = document.getElementById('schedule-list'); return l.dataset.theatre === arguments[0] && l.dataset.date === arguments[1]"
                            " && !l.hasAttribute('aria-busy')", theatre_id, day), 5, message=f"the schedule of {day}")


# MARK: movies and shows


def test_admin_creates_a_movie_and_schedules_it(ctx):
    """A movie typed into the page (playing in one city) is offered by the show form only for theatres of that city,
    is scheduled from the page, and shows in that theatre's schedule for the day; the server has the show."""
    admin = ctx.rest.admin()
    city = a_city(ctx, admin)
    theatre = new_theatre(ctx, admin, f"Premiere Hall {stamp()}", city["id"])
    elsewhere = next(t for t in ctx.rest.call("GET", "/api/admin/theatres?limit=200", token=admin.token)["items"]
                     if t["isActive"] and t["cityId"] != city["id"])
    b = open_admin(ctx, admin)

    title = f"First Light {stamp()}"
    type_into(b, "#movie-title", title)
    type_into(b, "#movie-description", "A lighthouse keeper's last season.")
    type_into(b, "#movie-genres", "Drama, Mystery")
    type_into(b, "#movie-languages", "Tamil, English")
    type_into(b, "#movie-duration", "125")
    type_into(b, "#movie-rating", "7.9")
    set_value(b, "#movie-release", "2026-10-02")
    choose(b, "#movie-poster", "/posters/2.svg")
    b.click(f'#movie-cities input[value="{city["id"]}"]')
    b.click('#movie-form button[type="submit"]')
    wait_until(lambda: message(b, "#movie-form > .form-message")[0] == "success", 5, message="the movie to be created")
    text = message(b, "#movie-form > .form-message")[1]
    check(title in text and city["name"] in text, f"the page says the movie was made and where it plays: {text!r}")
    movie = next(m for m in ctx.rest.call("GET", "/api/admin/movies?limit=200", token=admin.token)["items"] if m["title"] == title)
    check(movie["cityIds"] == [city["id"]] and movie["languages"] == ["Tamil", "English"] and movie["durationMinutes"] == 125 and movie["rating"] == 7.9,
          f"the server has the movie as typed: {movie}")
    wait_until(lambda: b.js("return !!document.querySelector(`#movie-list [data-id='${arguments[0]}']`)", movie["id"]), 5, message="the movie in the list")

    # The show form lists every active movie, but only those of the theatre's city can be chosen.
    choose(b, "#show-theatre", elsewhere["id"])
    option = lambda: b.js("const o = document.querySelector(`#show-movie option[value='${arguments[0]}']`); return o ? {disabled: o.disabled, group: o.parentElement.label} : null",
                          movie["id"])
    check(option() and option()["disabled"], f"in another city the new movie is listed but cannot be chosen: {option()}")
    check("not offered" in option()["group"].lower() and "not offered" in b.text("#show-movie-hint"), f"and the page says why: {b.text('#show-movie-hint')!r}")
    choose(b, "#show-theatre", theatre["id"])
    check(option() and not option()["disabled"], "in its own city the new movie can be chosen")
    choose(b, "#show-movie", movie["id"])
    languages = b.js("return Array.from(document.querySelectorAll('#show-language option')).map(o => o.value)")
    check(languages == ["Tamil", "English"], f"the languages are the movie's: {languages}")
    choose(b, "#show-language", "English")
    day = local_day(city["timeZone"], 2)
    set_value(b, "#show-start", f"{day}T19:45")
    b.click('#show-form button[type="submit"]')
    wait_until(lambda: "Created the show" in message(b, "#show-form > .form-message")[1], 5, message="the show to be created")

    row = f'#schedule-list [data-row="show"][data-movie="{movie["id"]}"]'
    wait_until(lambda: b.js("return !!document.querySelector(arguments[0])", row), 5, message="the show in the day's schedule")
    check(b.js("return [document.getElementById('schedule-theatre').value, document.getElementById('schedule-date').value]") == [theatre["id"], day],
          "the schedule shows that theatre and day")
    check(title in b.text(row) and "7:45 PM" in b.text(row) and "English" in b.text(row), f"the row names the movie, time and language: {b.text(row)!r}")
    shows = ctx.rest.call("GET", f"/api/admin/shows?theatre={theatre['id']}&date={day}", token=admin.token)["items"]
    check(len(shows) == 1 and shows[0]["movieId"] == movie["id"] and shows[0]["showTime"] == "19:45" and shows[0]["language"] == "English",
          f"the server has the show of the new movie at 19:45 local: {[(s['movieId'], s['showTime'], s['language']) for s in shows]}")
    check(shows[0]["startsAt"] == utc_of(day, "19:45", city["timeZone"]), f"stored in UTC: {shows[0]['startsAt']}")
    assert_clean(b)


def test_admin_moves_a_show_and_deactivates_another(ctx):
    """Edit a show's time on the page: an overlap with the next show is refused in words next to the form; a free time
    is saved (typed in the theatre's local time) and the server has it. Deactivating the next show asks first, saying
    that its holds are released and its bookings cancelled and refunded. The server's part: the moved show's booking
    follows it to the new time, and the deactivated show's booking is cancelled and refunded."""
    admin = ctx.rest.admin()
    city = a_city(ctx, admin)
    zone = city["timeZone"]
    theatre = new_theatre(ctx, admin, f"Rescheduled Hall {stamp()}", city["id"])
    movie = movie_in(ctx, admin, city["id"])
    day = local_day(zone, 3)
    show = new_show(ctx, admin, theatre, movie, day, "10:00", zone)
    later = new_show(ctx, admin, theatre, movie, day, "15:00", zone)
    user, booking = book(ctx, show["id"], ["A2", "A3"], "Early Bird")
    late_user, late_booking = book(ctx, later["id"], ["C5"], "Late Bird")
    check(booking["showTime"] == "10:00", "the booking starts at 10:00")

    b = open_admin(ctx, admin)
    schedule_of(b, theatre["id"], day)
    row = f'#schedule-list [data-id="{show["id"]}"]'
    wait_until(lambda: b.js("return document.querySelectorAll('#schedule-list [data-row=\"show\"]').length") == 2, 5, message="both shows in the schedule")
    check("2 booked" in b.text(row), f"the row counts the booked seats: {b.text(row)!r}")
    b.click(f'{row} [data-action="edit"]')
    wait_until(lambda: b.js("return document.getElementById('show-form').dataset.mode") == "edit", 3, message="the show form in edit mode")
    check(b.js("return document.getElementById('show-start').value") == f"{day}T10:00", "the form holds the local start time")
    check(b.js("return ['show-theatre', 'show-movie', 'show-screen'].every(id => document.getElementById(id).disabled)"), "theatre, movie and screen cannot change")

    set_value(b, "#show-start", f"{day}T14:30")
    b.click('#show-form button[type="submit"]')
    wait_until(lambda: message(b, "#show-form > .form-message")[0] == "error", 5, message="the overlap to be refused")
    words = message(b, "#show-form > .form-message")[1]
    check("overlaps another show" in words and "15:00" in words, f"the refusal says in words what is in the way: {words!r}")
    check(b.js("return document.getElementById('show-form').dataset.mode") == "edit", "still editing after the refusal")
    check(ctx.rest.show(show["id"])["showTime"] == "10:00", "the refused move changed nothing")

    set_value(b, "#show-start", f"{day}T11:15")
    b.click('#show-form button[type="submit"]')
    wait_until(lambda: message(b, "#show-form > .form-message")[0] == "success", 5, message="the move to be saved")
    check("11:15 AM" in message(b, "#show-form > .form-message")[1], f"the page says the new time: {message(b, '#show-form > .form-message')[1]!r}")
    wait_until(lambda: "11:15 AM" in b.text(row), 5, message="the schedule to show 11:15 AM")
    moved = ctx.rest.show(show["id"])
    check(moved["startsAt"] == utc_of(day, "11:15", zone) and moved["showTime"] == "11:15" and moved["showDate"] == day,
          f"the server moved the show to 11:15 local: {moved['startsAt']} {moved['showDate']} {moved['showTime']}")
    check(ctx.rest.show(later["id"])["showTime"] == "15:00", "the other show did not move")

    late_row = f'#schedule-list [data-id="{later["id"]}"]'
    b.click(f'{late_row} [data-action="deactivate"]')
    wait_until(lambda: b.visible(f"{late_row} .confirm"), 2, message="the question before deactivating")
    question = b.text(f"{late_row} .confirm p")
    check("released" in question and "cancelled and refunded" in question and "1 seat" in question, f"it says what deactivating does: {question!r}")
    b.click(f'{late_row} .confirm [data-action="keep"]')
    check(not b.visible(f"{late_row} .confirm") and ctx.rest.show(later["id"])["isActive"], "Keep it changes nothing")
    b.click(f'{late_row} [data-action="deactivate"]')
    b.click(f'{late_row} .confirm [data-action="confirm"]')
    wait_until(lambda: b.js(f"return document.querySelector('{late_row}')?.dataset.active") == "false", 5, message="the show marked inactive")
    check("Inactive" in b.text(late_row) and b.js(f"return !!document.querySelector('{late_row} [data-action=\"activate\"]')"), "marked inactive, with Activate offered")
    check(ctx.rest.show(later["id"])["isActive"] is False, "the server has the show inactive")
    assert_clean(b, allow=ERRORS_ON_PURPOSE)

    # What the server does with the bookings (API.md, PATCH /api/admin/shows/:id), checked together so that one
    # missing part does not hide the other.
    server = []
    after = ctx.rest.call("GET", f"/api/bookings/{booking['id']}", token=user.token)
    if (after["showDate"], after["showTime"]) != (day, "11:15"):
        server.append(f"the moved show's booking should follow it to {day} 11:15, it says {after['showDate']} {after['showTime']}")
    gone = ctx.rest.call("GET", f"/api/bookings/{late_booking['id']}", token=late_user.token)
    if (gone["bookingStatus"], gone["paymentStatus"]) != ("cancelled", "refunded"):
        server.append(f"the deactivated show's booking should be cancelled and refunded, it is {gone['bookingStatus']}/{gone['paymentStatus']}")
    check(not server, "server: " + "; ".join(server))


# MARK: users


def test_admin_changes_a_role_and_deactivates_a_user(ctx):
    """Find a user by email, make them staff, then deactivate them: the server agrees and their token stops working.
    The admin's own row offers neither."""
    admin = ctx.rest.admin()
    user = ctx.rest.register("Soon Gone")
    ctx.rest.call("GET", "/api/bookings", token=user.token)  # the token works before
    b = open_admin(ctx, admin)
    type_into(b, "#user-email", user.email)
    b.click('#user-search button[type="submit"]')
    row = f'#user-list [data-row="user"][data-id="{user.user["id"]}"]'
    wait_until(lambda: b.js("return document.querySelectorAll('#user-list [data-row=\"user\"]').length") == 1 and b.visible(row), 5, message="the one user found")
    check(user.email in b.text(row) and b.js(f"return document.querySelector('{row}').dataset.role") == "user", "the row shows the email and the role")

    choose(b, f"{row} select", "staff")
    b.click(f'{row} [data-action="set-role"]')
    wait_until(lambda: b.js(f"return document.querySelector('{row}')?.dataset.role") == "staff", 5, message="the role to become staff")
    found = ctx.rest.call("GET", f"/api/admin/users?email={user.email}", token=admin.token)["items"]
    check(len(found) == 1 and found[0]["role"] == "staff", f"the server has the role: {found}")

    b.click(f'{row} [data-action="deactivate"]')
    wait_until(lambda: b.js(f"return document.querySelector('{row}')?.dataset.active") == "false", 5, message="the user to be inactive")
    check("Inactive" in b.text(row) and b.js(f"return !!document.querySelector('{row} [data-action=\"activate\"]')"), "marked inactive, with Activate offered")
    check("tokens stop working" in b.text("#users > .list-message"), "the page says what deactivating does")
    try:
        ctx.rest.call("GET", "/api/bookings", token=user.token)
        check(False, "a deactivated user's token is refused")
    except ApiFailure as failure:
        check(failure.status == 401, f"a deactivated user's token gets 401, not {failure.status}")
    check(ctx.rest.call("GET", f"/api/admin/users?email={user.email}", token=admin.token)["items"][0]["isActive"] is False, "the server has the user inactive")

    type_into(b, "#user-email", admin.email)
    b.click('#user-search button[type="submit"]')
    me = f'#user-list [data-id="{admin.user["id"]}"]'
    wait_until(lambda: b.visible(me), 5, message="the admin's own row")
    check(b.js(f"return !document.querySelector('{me} [data-action=\"deactivate\"]') && document.querySelector('{me} select').disabled"),
          "an admin cannot deactivate or demote themselves here")
    assert_clean(b)


# MARK: the sales report


def test_admin_sales_report_charts_a_booking(ctx):
    """A confirmed booking shows in the report: a column on its show's day, its theatre's occupancy bar, the amount in
    rupees in the tables beside the charts, and the same numbers in the downloaded CSV. Reversed dates are refused in
    words; a period without sales says so instead of drawing empty charts."""
    admin = ctx.rest.admin()
    city = a_city(ctx, admin)
    zone = city["timeZone"]
    theatre = new_theatre(ctx, admin, f"Report Hall {stamp()}", city["id"])
    movie = movie_in(ctx, admin, city["id"])
    day = local_day(zone, 2)
    show = new_show(ctx, admin, theatre, movie, day, "12:00", zone)
    buyer, booking = book(ctx, show["id"], ["B3", "B4", "B5"], "Report Buyer")
    amount = booking["totalAmount"]
    check(amount == 60000 and booking["bookingStatus"] == "confirmed", f"three ₹200 seats, confirmed: {amount} {booking['bookingStatus']}")
    report = ctx.rest.call("GET", "/api/admin/reports/sales", token=admin.token)
    day_revenue = next(d["revenue"] for d in report["byDay"] if d["date"] == day)
    hall = next(r for r in report["byTheatre"] if r["theatreId"] == theatre["id"])
    check(hall["revenue"] == amount and day_revenue >= amount, f"the server's report counts the booking: {hall}, {day_revenue}")

    b = open_admin(ctx, admin)
    downloads = os.path.join(ctx.artifacts, f"downloads-{stamp()}")
    os.makedirs(downloads, exist_ok=True)
    b.driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    wait_until(lambda: b.js("return !!document.querySelector('svg[data-chart=\"revenue-by-day\"]')"), 5, message="the revenue chart")
    svg = b.js("const s = document.querySelector('svg[data-chart=\"revenue-by-day\"]'); return {role: s.getAttribute('role'), label: s.getAttribute('aria-label'),"
               " title: s.querySelector('title')?.textContent}")
    check(svg["role"] == "img" and svg["label"] and svg["title"], f"the chart is an image with a name: {svg}")
    bar = b.js("const r = document.querySelector(`svg[data-chart='revenue-by-day'] [data-key='${arguments[0]}']`);"
               " return r ? {value: Number(r.dataset.value), height: r.getBBox().height, title: r.textContent} : null", day)
    check(bar and bar["value"] == day_revenue and bar["height"] > 0, f"a column for {day} of {rupees(day_revenue)}: {bar}")
    occupancy = b.js("const g = document.querySelector(`svg[data-chart='occupancy-by-theatre'] [data-key='${arguments[0]}']`);"
                     " return g ? {value: Number(g.dataset.value), width: g.querySelector('.bar').getBBox().width, text: g.textContent} : null", theatre["id"])
    check(occupancy and abs(occupancy["value"] - hall["occupancy"]) < 1e-9 and occupancy["width"] > 0 and theatre["name"] in occupancy["text"],
          f"an occupancy bar for the theatre ({hall['occupancy']:.3f}): {occupancy}")
    check(b.js("return document.querySelector('svg[data-chart=\"occupancy-by-theatre\"]').getAttribute('role')") == "img", "the occupancy chart is an image")
    check(b.js("return !!document.querySelector(`svg[data-chart='top-movies'] [data-key='${arguments[0]}']`)", movie["id"]), "the movie is among the top movies")
    theatre_row = b.js("return Array.from(document.querySelectorAll('#figure-occupancy-by-theatre table tbody tr')).map(r => r.textContent).find(t => t.includes(arguments[0]))",
                       theatre["name"])
    check(theatre_row and rupees(amount) in theatre_row, f"the table beside the occupancy chart has {rupees(amount)} for the theatre: {theatre_row!r}")
    day_cells = b.js("return Array.from(document.querySelectorAll('#figure-revenue-by-day table tbody tr')).map(r => Array.from(r.cells).map(c => c.textContent))")
    check(any(rupees(day_revenue) in cells for cells in day_cells), f"the table beside the revenue chart has {rupees(day_revenue)} for {day}: {day_cells}")
    b.js("document.getElementById('report').scrollIntoView()")
    ctx.screenshot(b, "admin-report.png")

    # The box office finds the booking by its code, typed loosely, and by the customer's email.
    type_into(b, "#booking-query", booking["ticketCode"].lower().replace("-", " "))
    b.click('#booking-search button[type="submit"]')
    card = f'#booking-results [data-booking="{booking["id"]}"]'
    wait_until(lambda: b.visible(card), 5, message="the booking found by its ticket code")
    fact = lambda key: b.text(f'{card} [data-fact="{key}"]')
    check(b.js(f"return document.querySelector('{card}').dataset.status") == "confirmed" and "payment completed" in b.text(card), "confirmed and paid")
    check(fact("seats") == "B3, B4, B5" and fact("amount") == rupees(amount) and fact("ticket-code") == booking["ticketCode"] and fact("admitted") == "not yet",
          f"seats, amount, code and admission: {b.text(card)!r}")
    check("12:00 PM" in fact("show") and fact("theatre") == theatre["name"], f"the show's time and theatre: {fact('show')!r}, {fact('theatre')!r}")
    type_into(b, "#booking-query", buyer.email.upper())
    b.click('#booking-search button[type="submit"]')
    wait_until(lambda: b.js("return Array.from(document.querySelectorAll('#booking-results [data-booking]')).map(e => e.dataset.booking)") == [booking["id"]], 5,
               message="the customer's one booking found by email")

    link = b.js("const a = document.getElementById('report-csv'); return {href: a.href, name: a.getAttribute('download'), hidden: a.hidden}")
    check(link["href"].startswith("blob:") and link["name"].endswith(".csv") and not link["hidden"], f"a CSV download link: {link}")
    b.click("#report-csv")
    path = os.path.join(downloads, link["name"])
    wait_until(lambda: os.path.exists(path) and os.path.getsize(path) > 0, 5, message=f"the CSV file {link['name']}")
    csv = open(path, encoding="utf-8-sig").read()
    lines = csv.splitlines()
    for heading in ("Totals", "By day", "By movie", "By theatre"):
        check(heading in lines, f"the CSV has a {heading} section")
    check(f"{theatre['id']},{theatre['name']},{amount // 100}.{amount % 100:02d},3," in csv, f"the CSV has the theatre's line with {amount / 100:.2f} and 3 tickets")
    check(any(line.startswith(f"{day},{day_revenue // 100}.{day_revenue % 100:02d},") for line in lines), f"the CSV has {day} with {day_revenue / 100:.2f}")

    set_value(b, "#report-from", local_day(zone, 5))
    set_value(b, "#report-to", local_day(zone, 1))
    b.click('#report-form button[type="submit"]')
    wait_until(lambda: message(b, "#report-message")[0] == "error", 5, message="reversed dates refused")
    check("after" in message(b, "#report-message")[1], f"the refusal says the dates are reversed: {message(b, '#report-message')[1]!r}")
    check(not b.js("return document.querySelector('#report-body svg')") and b.js("return document.getElementById('report-csv').hidden"),
          "no charts and no CSV for a refused report")
    set_value(b, "#report-from", "2031-01-01")
    set_value(b, "#report-to", "2031-01-31")
    b.click('#report-form button[type="submit"]')
    wait_until(lambda: b.js("return !!document.querySelector('#report-body [data-empty=\"report\"]')"), 5, message="the empty report")
    check("No sales in this period" in b.text("#report-body") and not b.js("return document.querySelector('#report-body svg')"), "words instead of empty charts")
    assert_clean(b, allow=ERRORS_ON_PURPOSE)


# MARK: webhooks


def test_admin_registers_and_deletes_a_webhook(ctx):
    """Register a webhook for two events: its secret is shown once (and never after), the list shows it, its delivery
    log shows an attempt for a booking, and Delete (after a confirmation) removes it."""
    admin = ctx.rest.admin()
    url = f"http://127.0.0.1:9/hooks/{stamp()}"  # nothing listens there: every delivery fails, which the log shows
    b = open_admin(ctx, admin)
    type_into(b, "#webhook-url", url)
    check(b.js("return document.querySelector('#webhook-events input[value=\"booking.confirmed\"]').checked"), "booking.confirmed is chosen by default")
    b.click('#webhook-events input[value="booking.cancelled"]')
    b.click('#webhook-form button[type="submit"]')
    wait_until(lambda: b.visible("#webhook-secret"), 5, message="the secret")
    secret = b.js("return document.querySelector('[data-secret]').value")
    check(len(secret) >= 16, f"a secret is shown: {secret!r}")
    check("never again" in b.text("#webhook-secret"), "with a note to copy it now")
    hook = next(w for w in ctx.rest.call("GET", "/api/admin/webhooks", token=admin.token)["items"] if w["url"] == url)
    check(sorted(hook["events"]) == ["booking.cancelled", "booking.confirmed"] and "secret" not in hook, f"the server has the webhook, without its secret in lists: {hook}")
    row = f'#webhook-list [data-id="{hook["id"]}"]'
    wait_until(lambda: b.visible(row), 5, message="the webhook in the list")
    check(url in b.text(row) and "booking.cancelled" in b.text(row), f"the row shows the url and events: {b.text(row)!r}")
    b.click("#webhook-secret-done")
    check(not b.visible("#webhook-secret") and b.js("return document.querySelector('[data-secret]').value") == "", "the secret is gone once dismissed")

    booking_show = ctx.pool.take()
    book(ctx, booking_show["id"], free_seats(ctx.rest.show(booking_show["id"]), 1), "Hooked Buyer")
    b.open("/admin.html")
    wait_until(lambda: b.js("return document.body.dataset.ready") == "true" and b.visible(row), 10, message="the page again, with the webhook")
    check(secret not in b.driver.page_source and not b.js("return Array.from(document.querySelectorAll('input')).some(i => i.value === arguments[0])", secret),
          "the secret is shown once: not after a reload")

    def attempts():
        b.js("(document.querySelector('[data-action=\"refresh-deliveries\"]') || document.querySelector(arguments[0] + ' [data-action=\"deliveries\"]')).click()", row)
        time.sleep(0.3)
        return b.js("return Array.from(document.querySelectorAll('#deliveries tbody tr')).map(r => r.textContent)")

    b.click(f'{row} [data-action="deliveries"]')
    wait_until(lambda: b.visible("#deliveries") and "Deliveries to" in b.text("#deliveries"), 5, message="the delivery log")
    seen = wait_until(lambda: [t for t in attempts() if "booking.confirmed" in t], 6, message="an attempt for the booking in the delivery log")
    check(any("no answer" in t or "refused" in t.lower() for t in seen), f"the log says the receiver did not answer: {seen[:2]}")

    b.click(f'{row} [data-action="delete"]')
    wait_until(lambda: b.visible(f"{row} .confirm"), 2, message="a confirmation")
    check("No more events" in b.text(f"{row} .confirm") and b.visible(row), "Delete asks first and keeps the row until confirmed")
    b.click(f'{row} .confirm [data-action="confirm"]')
    wait_until(lambda: not b.js("return !!document.querySelector(arguments[0])", row), 5, message="the webhook to leave the list")
    left = [w for w in ctx.rest.call("GET", "/api/admin/webhooks", token=admin.token)["items"] if w["id"] == hook["id"]]
    check(not left or left[0]["isActive"] is False, f"the server stopped the webhook: {left}")
    assert_clean(b)


TESTS = [
    test_admin_creates_a_movie_and_schedules_it,
    test_admin_moves_a_show_and_deactivates_another,
    test_admin_changes_a_role_and_deactivates_a_user,
    test_admin_sales_report_charts_a_booking,
    test_admin_registers_and_deletes_a_webhook,
]
