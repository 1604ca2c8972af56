"""review/pii.py: which numbers are personal information, where they are, and their masks."""

from __future__ import annotations

import pytest

from site_builder.review.pii import luhn, mask, scan, valid_id15, valid_id18

# GB 11643: weighted sum of the first 17 digits, mod 11, indexes the check characters.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"


def id18(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return first17 + CHECK[total % 11]


def luhn_complete(prefix: str) -> str:
    """`prefix` plus the check digit that makes it Luhn-valid."""
    for digit in "0123456789":
        number = prefix + digit
        digits = [int(d) for d in reversed(number)]
        total = sum(digits[0::2]) + sum(sum(divmod(2 * d, 10)) for d in digits[1::2])
        if total % 10 == 0:
            return number
    raise AssertionError("unreachable")


ID18 = id18("53010219900307123")  # 云南昆明, born 1990-03-07
ID15 = "530102900307123"  # the old 15-digit form, born (19)90-03-07
CARD16 = luhn_complete("621700123456789")
CARD19 = luhn_complete("622202020011234567")


def codes(text: str) -> list[tuple[str, str]]:
    return [(f.code, f.value) for f in scan(text)]


def test_the_test_id_number_has_the_gb11643_check_character():
    assert valid_id18(ID18)


def test_resident_id_number_with_a_valid_checksum_is_found():
    assert codes(f"当事人身份证号{ID18}。") == [("pii-id-number", ID18)]


def test_resident_id_number_with_check_character_x_is_found():
    number = next(n for n in (id18(f"53010219900307{i:03d}") for i in range(1000)) if n[-1] == "X")
    assert codes(f"身份证 {number}") == [("pii-id-number", number)]
    assert codes(f"身份证 {number.lower()}") == [("pii-id-number", number.lower())]


@pytest.mark.parametrize("sep", [" ", "-"])
def test_resident_id_number_written_in_groups_is_found(sep):
    # Mobile and card numbers are caught with spaces or hyphens between groups; so must IDs be.
    grouped = sep.join([ID18[:6], ID18[6:14], ID18[14:]])
    assert codes(f"身份证号{grouped}。") == [("pii-id-number", grouped)]


def test_id_number_look_alike_with_a_wrong_checksum_is_not_caught():
    # A wrong check character, chosen so the 18 digits are not a Luhn-valid card number either.
    wrong = next(ID18[:17] + c for c in "0123456789" if c != ID18[-1] and not luhn(ID18[:17] + c))
    assert not valid_id18(wrong)
    assert codes(f"编号{wrong}。") == []


def test_id_number_with_an_impossible_birth_date_is_not_caught():
    assert codes(id18("53010219901332123")) == []  # month 13


def test_old_15_digit_id_number_with_a_valid_birth_date_is_found():
    assert valid_id15(ID15)
    assert codes(f"旧证号{ID15}。") == [("pii-id-number", ID15)]


def test_15_digits_without_a_valid_birth_date_are_not_an_id_number():
    assert not valid_id15("530102901332123")
    assert codes("编号530102901332123。") == []


@pytest.mark.parametrize("number", ["13812345678", "19912345678", "138 1234 5678", "138-1234-5678"])
def test_mobile_number_is_found(number):
    assert codes(f"联系电话{number}。") == [("pii-mobile", number)]


def test_mobile_number_after_country_code_is_found():
    assert codes("请拨打+86 13812345678") == [("pii-mobile", "13812345678")]


@pytest.mark.parametrize("text", [
    "报警请拨打110。", "有困难请拨打12345市民热线。", "于20240312召开会议。", "编号12812345678。",
    "共1381234567人次。", "单号138123456789。",
])
def test_hotlines_dates_and_other_digit_runs_are_not_mobile_numbers(text):
    assert codes(text) == []


@pytest.mark.parametrize("number", [CARD16, CARD19, " ".join([CARD16[:4], CARD16[4:8], CARD16[8:12],
                                                                CARD16[12:]])])
def test_luhn_valid_bank_card_number_is_found(number):
    assert luhn(number.replace(" ", ""))
    assert codes(f"工资卡号{number}。") == [("pii-bank-card", number)]


@pytest.mark.parametrize("number", [CARD16, CARD19])
def test_luhn_invalid_card_like_number_is_not_caught(number):
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert not luhn(wrong)
    assert codes(f"工资卡号{wrong}。") == []


@pytest.mark.parametrize("plate", ["云A12345", "京B·D1234", "云A1234警"])
def test_licence_plate_is_found(plate):
    assert codes(f"驾驶{plate}小型轿车") == [("pii-licence-plate", plate)]


@pytest.mark.parametrize("text", ["驾驶云A·*****小型轿车", "驾驶云A****5小型轿车", "云南省A级景区"])
def test_masked_plate_is_not_caught(text):
    assert codes(text) == []


def test_finding_has_a_0_based_line_and_1_based_column():
    [finding] = scan(f"第一行\n联系电话{'13812345678'}")
    assert (finding.line, finding.column) == (1, 5)


def test_findings_come_in_reading_order():
    text = f"云A12345 {ID18} 13812345678\n{CARD16}"
    assert [f.code for f in scan(text)] == ["pii-licence-plate", "pii-id-number", "pii-mobile",
                                            "pii-bank-card"]


@pytest.mark.parametrize("value", [ID18, ID15, "13812345678", CARD16, CARD19, "云A12345",
                                   "138 1234 5678"])
def test_mask_hides_the_middle_of_the_number(value):
    masked = mask(value)
    assert "*" in masked
    assert value not in masked and value.replace(" ", "") not in masked


def test_finding_masked_keeps_the_ends_only():
    [finding] = scan(ID18)
    assert finding.masked == ID18[:4] + "*" * 10 + ID18[-4:]
