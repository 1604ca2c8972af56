"""slugs.py: Chinese → pinyin URL names, length limit, homophones."""

from __future__ import annotations

from site_builder.slugs import MAX_LENGTH, is_valid_slug, slugify, unique_slugs


def test_chinese_becomes_hyphenated_pinyin():
    assert slugify("派出所开展警示教育") == "pai-chu-suo-kai-zhan-jing-shi-jiao-yu"


def test_ascii_runs_stay_whole_beside_chinese():
    assert slugify("2024年GPS定位") == "2024-nian-gps-ding-wei"


def test_full_width_letters_and_digits_become_ascii():
    assert slugify("ＡＢＣ１２３全角") == "abc123-quan-jiao"


def test_punctuation_only_gives_an_empty_slug():
    assert slugify("！？。、…——") == ""


def test_punctuation_between_words_becomes_one_hyphen():
    assert slugify("警示教育：以案促改！") == "jing-shi-jiao-yu-yi-an-cu-gai"


LONG_TITLE = "交管大队召开警示教育大会" * 10
LONG_PINYIN = "-".join(["jiao-guan-da-dui-zhao-kai-jing-shi-jiao-yu-da-hui"] * 10)


def test_long_title_is_cut_at_a_hyphen_boundary():
    slug = slugify(LONG_TITLE)
    assert len(slug) <= MAX_LENGTH
    assert is_valid_slug(slug)
    assert LONG_PINYIN.startswith(slug + "-")  # whole syllables only, never half a word


def test_long_slug_keeps_as_many_whole_syllables_as_fit():
    slug = slugify(LONG_TITLE)
    next_word = LONG_PINYIN[len(slug) + 1:].split("-")[0]
    assert len(slug) + 1 + len(next_word) > MAX_LENGTH


def test_homophones_get_distinct_slugs():
    slugs = unique_slugs(["警示", "警世"])
    assert sorted(slugs.values()) == ["jing-shi", "jing-shi-2"]


def test_homophone_slugs_do_not_depend_on_input_order():
    assert unique_slugs(["警示", "警世", "禁食"]) == unique_slugs(["禁食", "警世", "警示"])


def test_unique_slugs_never_reuse_a_slug_a_name_already_spells():
    slugs = unique_slugs(["警示", "警世", "jing-shi-2"])
    assert len(set(slugs.values())) == 3
