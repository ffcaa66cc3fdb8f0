"""Sanctions screening's list-and-matching layer: how a name is read (``names``), the OFAC
files read into entries (``lists``), the name matcher (``matcher``) and screening by
sanctioned jurisdiction (``jurisdictions``).

It records nothing and checks no permission: callers pass plain values, so a wire's
beneficiary is screened as a KYC profile is. Loading a list, screening a profile on submit
and staff decisions on matches are the KYC workflow's (``kyc.services.screening``).
"""
