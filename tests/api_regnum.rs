//! Registration numbers. Valid examples: `911101085636549482` and
//! `110108013297537` are the credit code and registration number printed in
//! Tencent's own API page (their checks verify); the others are built here by
//! computing the check characters, then typos of each are refused.

use ocr_edge::api::regnum::{
    credit_code_check_char, org_code_check_char, registration_check_digit, validate_reg_num,
    RegNumForm,
};

#[test]
fn check_characters() {
    assert_eq!(credit_code_check_char("91110108563654948"), Some('2'));
    assert_eq!(org_code_check_char("56365494"), Some('8'));
    assert_eq!(registration_check_digit("11010801329753"), Some('7'));
    assert_eq!(org_code_check_char("12345678"), Some('8'));
    assert_eq!(credit_code_check_char("91110000123456788"), Some('M'));
    assert_eq!(credit_code_check_char("91440300MA5F11112"), Some('3'));
    assert_eq!(registration_check_digit("31000000000000"), Some('0'));
    assert_eq!(registration_check_digit("11000000000000"), Some('9'));
    // Wrong lengths or characters give no answer rather than a wrong one.
    assert_eq!(credit_code_check_char("9111010856365494"), None);
    assert_eq!(credit_code_check_char("9111010856365494I"), None);
    assert_eq!(org_code_check_char("1234567"), None);
    assert_eq!(org_code_check_char("1234567a"), None);
    assert_eq!(registration_check_digit("1101080132975a"), None);
}

#[test]
fn every_org_check_value_is_reachable() {
    // Both special cases of GB 11714: a remainder giving 10 ('X') and 11 ('0').
    let mut seen = std::collections::HashSet::new();
    for n in 0..2000u32 {
        let body = format!("{n:08}");
        seen.insert(org_code_check_char(&body).unwrap());
    }
    assert!(seen.contains(&'X') && seen.contains(&'0'), "{seen:?}");
}

/// Builds a valid credit code from 8 prefix characters and an 8-character
/// organisation code body.
fn make_credit(prefix: &str, org: &str) -> String {
    let mut s = format!("{prefix}{org}{}", org_code_check_char(org).unwrap());
    s.push(credit_code_check_char(&s).unwrap());
    s
}

#[test]
fn valid_numbers() {
    let built = [
        make_credit("91440300", "MA5F1111"),
        make_credit("92110000", "L0000000"),
        make_credit("12100000", "40000001"),
        make_credit("Y1310000", "00000009"),
    ];
    for code in built.iter().map(String::as_str).chain(["911101085636549482"]) {
        assert_eq!(
            validate_reg_num(code).unwrap(),
            (code.to_owned(), RegNumForm::CreditCode),
            "{code}"
        );
    }
    assert_eq!(
        validate_reg_num("110108013297537").unwrap(),
        ("110108013297537".to_owned(), RegNumForm::RegistrationNumber)
    );
    assert_eq!(validate_reg_num(" 91440300ma5f111123\n").unwrap().0, "91440300MA5F111123");
}

#[test]
fn refused_numbers() {
    for (given, code, names) in [
        ("911101085636549483", "regnum.check_character", Some("'2'")),
        ("911101085636549472", "regnum.org_code_check", Some("'8'")),
        ("110108013297538", "regnum.check_character", Some("'7'")),
        ("11010801329753A", "regnum.charset", None),
        ("91110108563654948I", "regnum.charset", None),
        ("9111010856365494O2", "regnum.charset", None),
        ("91110108563654948é", "regnum.charset", None),
        ("9111010856365494", "regnum.length", None),
        ("", "regnum.length", None),
        ("9111010856365494821", "regnum.length", None),
    ] {
        let e = validate_reg_num(given).unwrap_err();
        assert_eq!(e.code(), code, "{given:?}: {e}");
        if let Some(n) = names {
            assert!(e.message().contains(n), "{given:?}: {e}");
        }
    }
}

#[test]
fn single_character_typos_are_caught() {
    let good = "911101085636549482";
    let charset = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    for i in 0..18 {
        for c in charset.chars() {
            let mut s: Vec<char> = good.chars().collect();
            if s[i] == c {
                continue;
            }
            s[i] = c;
            let typo: String = s.into_iter().collect();
            assert!(validate_reg_num(&typo).is_err(), "{typo} accepted");
        }
    }
}
