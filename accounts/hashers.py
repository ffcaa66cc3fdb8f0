from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with the OWASP Password Storage Cheat Sheet's first configuration.

    m=19 MiB, t=2, p=1 hashes in about 28 ms on our 2-core machine, against about 170 ms
    for Django's default (m=100 MiB, t=2, p=8), whose eight lanes buy nothing on two cores
    and let a burst of logins starve every other request. The algorithm name stays
    "argon2", so hashes made with other parameters still verify and are upgraded on the
    next successful login.
    """

    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1
