"""The back office as staff use it: a real login form and real forms, CSRF checks on."""

from django.test import Client


def admin_login(email: str, password: str) -> Client:
    """A browser-like client logged in through /admin/login/'s form."""
    client = Client(enforce_csrf_checks=True)
    assert client.get("/admin/login/").status_code == 200
    response = client.post(
        "/admin/login/?next=/admin/",
        {
            "username": email,
            "password": password,
            "next": "/admin/",
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert response.status_code == 302, "the admin login form refused the credentials"
    return client


def admin_post(client: Client, url: str, data: dict):
    """Open the form's page, then submit it with the page's CSRF token, as a browser does."""
    client.get(url)
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
