from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.country_enum import CountryEnum

T = TypeVar("T", bound="KycProfileInputRequest")


@_attrs_define
class KycProfileInputRequest:
    """
    Attributes:
        legal_name (str): At most 3 combining marks on one character (400 too_many_combining_marks). Above U+FFFF, which
            the pattern's dialect cannot name, the same characters are refused: private-use, unassigned and ignorable ones
            (400 invalid_character).
        date_of_birth (datetime.date):
        nationality (CountryEnum): * `AD` - AD
            * `AE` - AE
            * `AF` - AF
            * `AG` - AG
            * `AI` - AI
            * `AL` - AL
            * `AM` - AM
            * `AO` - AO
            * `AQ` - AQ
            * `AR` - AR
            * `AS` - AS
            * `AT` - AT
            * `AU` - AU
            * `AW` - AW
            * `AX` - AX
            * `AZ` - AZ
            * `BA` - BA
            * `BB` - BB
            * `BD` - BD
            * `BE` - BE
            * `BF` - BF
            * `BG` - BG
            * `BH` - BH
            * `BI` - BI
            * `BJ` - BJ
            * `BL` - BL
            * `BM` - BM
            * `BN` - BN
            * `BO` - BO
            * `BQ` - BQ
            * `BR` - BR
            * `BS` - BS
            * `BT` - BT
            * `BV` - BV
            * `BW` - BW
            * `BY` - BY
            * `BZ` - BZ
            * `CA` - CA
            * `CC` - CC
            * `CD` - CD
            * `CF` - CF
            * `CG` - CG
            * `CH` - CH
            * `CI` - CI
            * `CK` - CK
            * `CL` - CL
            * `CM` - CM
            * `CN` - CN
            * `CO` - CO
            * `CR` - CR
            * `CU` - CU
            * `CV` - CV
            * `CW` - CW
            * `CX` - CX
            * `CY` - CY
            * `CZ` - CZ
            * `DE` - DE
            * `DJ` - DJ
            * `DK` - DK
            * `DM` - DM
            * `DO` - DO
            * `DZ` - DZ
            * `EC` - EC
            * `EE` - EE
            * `EG` - EG
            * `EH` - EH
            * `ER` - ER
            * `ES` - ES
            * `ET` - ET
            * `FI` - FI
            * `FJ` - FJ
            * `FK` - FK
            * `FM` - FM
            * `FO` - FO
            * `FR` - FR
            * `GA` - GA
            * `GB` - GB
            * `GD` - GD
            * `GE` - GE
            * `GF` - GF
            * `GG` - GG
            * `GH` - GH
            * `GI` - GI
            * `GL` - GL
            * `GM` - GM
            * `GN` - GN
            * `GP` - GP
            * `GQ` - GQ
            * `GR` - GR
            * `GS` - GS
            * `GT` - GT
            * `GU` - GU
            * `GW` - GW
            * `GY` - GY
            * `HK` - HK
            * `HM` - HM
            * `HN` - HN
            * `HR` - HR
            * `HT` - HT
            * `HU` - HU
            * `ID` - ID
            * `IE` - IE
            * `IL` - IL
            * `IM` - IM
            * `IN` - IN
            * `IO` - IO
            * `IQ` - IQ
            * `IR` - IR
            * `IS` - IS
            * `IT` - IT
            * `JE` - JE
            * `JM` - JM
            * `JO` - JO
            * `JP` - JP
            * `KE` - KE
            * `KG` - KG
            * `KH` - KH
            * `KI` - KI
            * `KM` - KM
            * `KN` - KN
            * `KP` - KP
            * `KR` - KR
            * `KW` - KW
            * `KY` - KY
            * `KZ` - KZ
            * `LA` - LA
            * `LB` - LB
            * `LC` - LC
            * `LI` - LI
            * `LK` - LK
            * `LR` - LR
            * `LS` - LS
            * `LT` - LT
            * `LU` - LU
            * `LV` - LV
            * `LY` - LY
            * `MA` - MA
            * `MC` - MC
            * `MD` - MD
            * `ME` - ME
            * `MF` - MF
            * `MG` - MG
            * `MH` - MH
            * `MK` - MK
            * `ML` - ML
            * `MM` - MM
            * `MN` - MN
            * `MO` - MO
            * `MP` - MP
            * `MQ` - MQ
            * `MR` - MR
            * `MS` - MS
            * `MT` - MT
            * `MU` - MU
            * `MV` - MV
            * `MW` - MW
            * `MX` - MX
            * `MY` - MY
            * `MZ` - MZ
            * `NA` - NA
            * `NC` - NC
            * `NE` - NE
            * `NF` - NF
            * `NG` - NG
            * `NI` - NI
            * `NL` - NL
            * `NO` - NO
            * `NP` - NP
            * `NR` - NR
            * `NU` - NU
            * `NZ` - NZ
            * `OM` - OM
            * `PA` - PA
            * `PE` - PE
            * `PF` - PF
            * `PG` - PG
            * `PH` - PH
            * `PK` - PK
            * `PL` - PL
            * `PM` - PM
            * `PN` - PN
            * `PR` - PR
            * `PS` - PS
            * `PT` - PT
            * `PW` - PW
            * `PY` - PY
            * `QA` - QA
            * `RE` - RE
            * `RO` - RO
            * `RS` - RS
            * `RU` - RU
            * `RW` - RW
            * `SA` - SA
            * `SB` - SB
            * `SC` - SC
            * `SD` - SD
            * `SE` - SE
            * `SG` - SG
            * `SH` - SH
            * `SI` - SI
            * `SJ` - SJ
            * `SK` - SK
            * `SL` - SL
            * `SM` - SM
            * `SN` - SN
            * `SO` - SO
            * `SR` - SR
            * `SS` - SS
            * `ST` - ST
            * `SV` - SV
            * `SX` - SX
            * `SY` - SY
            * `SZ` - SZ
            * `TC` - TC
            * `TD` - TD
            * `TF` - TF
            * `TG` - TG
            * `TH` - TH
            * `TJ` - TJ
            * `TK` - TK
            * `TL` - TL
            * `TM` - TM
            * `TN` - TN
            * `TO` - TO
            * `TR` - TR
            * `TT` - TT
            * `TV` - TV
            * `TW` - TW
            * `TZ` - TZ
            * `UA` - UA
            * `UG` - UG
            * `UM` - UM
            * `US` - US
            * `UY` - UY
            * `UZ` - UZ
            * `VA` - VA
            * `VC` - VC
            * `VE` - VE
            * `VG` - VG
            * `VI` - VI
            * `VN` - VN
            * `VU` - VU
            * `WF` - WF
            * `WS` - WS
            * `YE` - YE
            * `YT` - YT
            * `ZA` - ZA
            * `ZM` - ZM
            * `ZW` - ZW
        residence_country (CountryEnum): * `AD` - AD
            * `AE` - AE
            * `AF` - AF
            * `AG` - AG
            * `AI` - AI
            * `AL` - AL
            * `AM` - AM
            * `AO` - AO
            * `AQ` - AQ
            * `AR` - AR
            * `AS` - AS
            * `AT` - AT
            * `AU` - AU
            * `AW` - AW
            * `AX` - AX
            * `AZ` - AZ
            * `BA` - BA
            * `BB` - BB
            * `BD` - BD
            * `BE` - BE
            * `BF` - BF
            * `BG` - BG
            * `BH` - BH
            * `BI` - BI
            * `BJ` - BJ
            * `BL` - BL
            * `BM` - BM
            * `BN` - BN
            * `BO` - BO
            * `BQ` - BQ
            * `BR` - BR
            * `BS` - BS
            * `BT` - BT
            * `BV` - BV
            * `BW` - BW
            * `BY` - BY
            * `BZ` - BZ
            * `CA` - CA
            * `CC` - CC
            * `CD` - CD
            * `CF` - CF
            * `CG` - CG
            * `CH` - CH
            * `CI` - CI
            * `CK` - CK
            * `CL` - CL
            * `CM` - CM
            * `CN` - CN
            * `CO` - CO
            * `CR` - CR
            * `CU` - CU
            * `CV` - CV
            * `CW` - CW
            * `CX` - CX
            * `CY` - CY
            * `CZ` - CZ
            * `DE` - DE
            * `DJ` - DJ
            * `DK` - DK
            * `DM` - DM
            * `DO` - DO
            * `DZ` - DZ
            * `EC` - EC
            * `EE` - EE
            * `EG` - EG
            * `EH` - EH
            * `ER` - ER
            * `ES` - ES
            * `ET` - ET
            * `FI` - FI
            * `FJ` - FJ
            * `FK` - FK
            * `FM` - FM
            * `FO` - FO
            * `FR` - FR
            * `GA` - GA
            * `GB` - GB
            * `GD` - GD
            * `GE` - GE
            * `GF` - GF
            * `GG` - GG
            * `GH` - GH
            * `GI` - GI
            * `GL` - GL
            * `GM` - GM
            * `GN` - GN
            * `GP` - GP
            * `GQ` - GQ
            * `GR` - GR
            * `GS` - GS
            * `GT` - GT
            * `GU` - GU
            * `GW` - GW
            * `GY` - GY
            * `HK` - HK
            * `HM` - HM
            * `HN` - HN
            * `HR` - HR
            * `HT` - HT
            * `HU` - HU
            * `ID` - ID
            * `IE` - IE
            * `IL` - IL
            * `IM` - IM
            * `IN` - IN
            * `IO` - IO
            * `IQ` - IQ
            * `IR` - IR
            * `IS` - IS
            * `IT` - IT
            * `JE` - JE
            * `JM` - JM
            * `JO` - JO
            * `JP` - JP
            * `KE` - KE
            * `KG` - KG
            * `KH` - KH
            * `KI` - KI
            * `KM` - KM
            * `KN` - KN
            * `KP` - KP
            * `KR` - KR
            * `KW` - KW
            * `KY` - KY
            * `KZ` - KZ
            * `LA` - LA
            * `LB` - LB
            * `LC` - LC
            * `LI` - LI
            * `LK` - LK
            * `LR` - LR
            * `LS` - LS
            * `LT` - LT
            * `LU` - LU
            * `LV` - LV
            * `LY` - LY
            * `MA` - MA
            * `MC` - MC
            * `MD` - MD
            * `ME` - ME
            * `MF` - MF
            * `MG` - MG
            * `MH` - MH
            * `MK` - MK
            * `ML` - ML
            * `MM` - MM
            * `MN` - MN
            * `MO` - MO
            * `MP` - MP
            * `MQ` - MQ
            * `MR` - MR
            * `MS` - MS
            * `MT` - MT
            * `MU` - MU
            * `MV` - MV
            * `MW` - MW
            * `MX` - MX
            * `MY` - MY
            * `MZ` - MZ
            * `NA` - NA
            * `NC` - NC
            * `NE` - NE
            * `NF` - NF
            * `NG` - NG
            * `NI` - NI
            * `NL` - NL
            * `NO` - NO
            * `NP` - NP
            * `NR` - NR
            * `NU` - NU
            * `NZ` - NZ
            * `OM` - OM
            * `PA` - PA
            * `PE` - PE
            * `PF` - PF
            * `PG` - PG
            * `PH` - PH
            * `PK` - PK
            * `PL` - PL
            * `PM` - PM
            * `PN` - PN
            * `PR` - PR
            * `PS` - PS
            * `PT` - PT
            * `PW` - PW
            * `PY` - PY
            * `QA` - QA
            * `RE` - RE
            * `RO` - RO
            * `RS` - RS
            * `RU` - RU
            * `RW` - RW
            * `SA` - SA
            * `SB` - SB
            * `SC` - SC
            * `SD` - SD
            * `SE` - SE
            * `SG` - SG
            * `SH` - SH
            * `SI` - SI
            * `SJ` - SJ
            * `SK` - SK
            * `SL` - SL
            * `SM` - SM
            * `SN` - SN
            * `SO` - SO
            * `SR` - SR
            * `SS` - SS
            * `ST` - ST
            * `SV` - SV
            * `SX` - SX
            * `SY` - SY
            * `SZ` - SZ
            * `TC` - TC
            * `TD` - TD
            * `TF` - TF
            * `TG` - TG
            * `TH` - TH
            * `TJ` - TJ
            * `TK` - TK
            * `TL` - TL
            * `TM` - TM
            * `TN` - TN
            * `TO` - TO
            * `TR` - TR
            * `TT` - TT
            * `TV` - TV
            * `TW` - TW
            * `TZ` - TZ
            * `UA` - UA
            * `UG` - UG
            * `UM` - UM
            * `US` - US
            * `UY` - UY
            * `UZ` - UZ
            * `VA` - VA
            * `VC` - VC
            * `VE` - VE
            * `VG` - VG
            * `VI` - VI
            * `VN` - VN
            * `VU` - VU
            * `WF` - WF
            * `WS` - WS
            * `YE` - YE
            * `YT` - YT
            * `ZA` - ZA
            * `ZM` - ZM
            * `ZW` - ZW
        address (str): At most 3 combining marks on one character (400 too_many_combining_marks). Above U+FFFF, which
            the pattern's dialect cannot name, the same characters are refused: private-use, unassigned and ignorable ones
            (400 invalid_character).
        national_id (str): Letters and digits (at least 6), spaces and hyphens; only its last 4 are ever shown back.
    """

    legal_name: str
    date_of_birth: datetime.date
    nationality: CountryEnum
    residence_country: CountryEnum
    address: str
    national_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        legal_name = self.legal_name

        date_of_birth = self.date_of_birth.isoformat()

        nationality = self.nationality.value

        residence_country = self.residence_country.value

        address = self.address

        national_id = self.national_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "legal_name": legal_name,
                "date_of_birth": date_of_birth,
                "nationality": nationality,
                "residence_country": residence_country,
                "address": address,
                "national_id": national_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        legal_name = d.pop("legal_name")

        date_of_birth = datetime.date.fromisoformat(d.pop("date_of_birth"))

        nationality = CountryEnum(d.pop("nationality"))

        residence_country = CountryEnum(d.pop("residence_country"))

        address = d.pop("address")

        national_id = d.pop("national_id")

        kyc_profile_input_request = cls(
            legal_name=legal_name,
            date_of_birth=date_of_birth,
            nationality=nationality,
            residence_country=residence_country,
            address=address,
            national_id=national_id,
        )

        kyc_profile_input_request.additional_properties = d
        return kyc_profile_input_request

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
