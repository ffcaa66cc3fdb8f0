"""Who counts as staff on a request: an active member of staff whose session passed the
second factor. Every page or endpoint that opens to staff asks this, never ``is_staff`` alone."""


def staff_verified(user) -> bool:
    """``user`` (a request's) is active staff and its session passed the second factor.

    ``is_verified`` is installed by django-otp's OTPMiddleware on the session's user; a user
    authenticated any other way (an API token) has none and is never verified.
    """
    is_verified = getattr(user, "is_verified", None)
    return bool(user.is_active and user.is_staff and is_verified is not None and is_verified())
