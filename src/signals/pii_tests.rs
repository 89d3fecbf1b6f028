//! Planted personal data and near misses that must not match, kind by kind.

use super::*;
use crate::stats::signals::PiiStats;

fn count(text: &str, kind: PiiKind) -> u64 {
    scan(text)[kind as usize]
}

#[test]
fn emails() {
    for hit in [
        "write to jane.doe+news@example.co.uk today",
        "<a.b_c%d@mail-server.example.org>",
        "Contact: ops@example.com.",
        "git clone git@github.com:me/repo",
    ] {
        assert_eq!(count(hit, PiiKind::Email), 1, "{hit}");
    }
    for miss in [
        "user@localhost",
        "@handle on social media",
        "a@b.c",
        "foo@bar..com",
        ".dot@example.com", // a local part may not start with a dot
        "x@-bad.com",
        "price: 5 @ 3.50",
    ] {
        assert_eq!(count(miss, PiiKind::Email), 0, "{miss}");
    }
    assert_eq!(
        count(
            "a@example.com, b@example.org; c@example.net",
            PiiKind::Email
        ),
        3
    );
}

#[test]
fn payment_cards() {
    for hit in [
        "card 4111 1111 1111 1111 exp 12/29",
        "4111-1111-1111-1111",
        "5500005555555559",
        "amex 3782 822463 10005.",
        "6011000990139424",
    ] {
        assert_eq!(count(hit, PiiKind::PaymentCard), 1, "{hit}");
    }
    for miss in [
        "4111 1111 1111 1112", // Luhn fails
        "4111-1111 1111-1111", // mixed separators
        "1234567812345670",    // Luhn-valid, but no card network starts with 1
        "41111111111",         // too short
        "order 4111111111111111x",
        "44 1111 1111 1111 11",   // groups not of four
        "3704 0044 0532 0130 01", // Luhn-valid, but not grouped like a card (an IBAN's tail)
    ] {
        assert_eq!(count(miss, PiiKind::PaymentCard), 0, "{miss}");
    }
}

#[test]
fn ibans() {
    for hit in [
        "IBAN DE89 3704 0044 0532 0130 00 please",
        "GB82WEST12345698765432",
        "pay to FR1420041010050500013M02606.",
        "NL91ABNA0417164300",
    ] {
        assert_eq!(count(hit, PiiKind::Iban), 1, "{hit}");
    }
    for miss in [
        "DE89 3704 0044 0532 0130 01", // checksum fails
        "DE89370400440532013",         // too short for Germany
        "ZZ89370400440532013000",      // no such country
        "de89370400440532013000",      // lowercase
        "XDE89370400440532013000",     // glued to a word
    ] {
        assert_eq!(count(miss, PiiKind::Iban), 0, "{miss}");
    }
}

#[test]
fn ip_addresses() {
    for hit in [
        "server at 192.168.1.20, port 22",
        "ping 8.8.8.8.",
        "listen on 10.0.0.1:8080",
        "addr 2001:db8::ff00:42:8329 up",
        "loopback ::1",
        "fe80::1ff:fe23:4567:890a%eth0",
        "mapped ::ffff:192.0.2.128",
    ] {
        assert_eq!(count(hit, PiiKind::Ip), 1, "{hit}");
    }
    for miss in [
        "version 1.2.3",
        "256.1.1.1",
        "1.2.3.4.5",
        "v1.10.200.30.4",
        "01.02.03.04",
        "at 12:30:45 sharp",
        "std::vec::Vec and a::b",
        "mac 00:1a:2b:3c:4d:5e",
        "2001:db8:::1",
    ] {
        assert_eq!(count(miss, PiiKind::Ip), 0, "{miss}");
    }
}

#[test]
fn phones() {
    for hit in [
        "call +1 415 555 2671 now",
        "+44 20 7946 0958",
        "+49 (0)30 123456789",
        "+4915112345678",
        "(415) 555-2671",
        "415-555-2671.",
        "030 12345678",
        "01 23 45 67 89",
    ] {
        assert_eq!(count(hit, PiiKind::Phone), 1, "{hit}");
    }
    for miss in [
        "on 2023-01-15",
        "15/01/2023",
        "12345678901 items",
        "555-1234",
        "+12",
        "call 415.555-2671", // mixed separators in a North American number
        "ID-415-555-2671",
        "in 1999 and 2000",
        "123 456 7890", // area codes do not start with 1
    ] {
        assert_eq!(count(miss, PiiKind::Phone), 0, "{miss}");
    }
}

#[test]
fn one_number_is_one_kind() {
    let text = "card 4111 1111 1111 1111, ip 10.1.2.3, phone +1 415 555 2671";
    assert_eq!(scan(text), [0, 1, 1, 1, 0]);
    let mut stats = PiiStats::default();
    stats.record(&scan(text));
    stats.record(&scan("nothing here"));
    stats.record(&scan("a@example.com b@example.com"));
    assert_eq!(stats.any_documents, 2);
    assert_eq!(stats.matches[PiiKind::Email as usize], 2);
    assert_eq!(stats.documents[PiiKind::Email as usize], 1);
}

#[test]
fn luhn_checks() {
    assert!(luhn(&[4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]));
    assert!(!luhn(&[4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2]));
    assert!(luhn(&[7, 9, 9, 2, 7, 3, 9, 8, 7, 1, 3]));
}

proptest::proptest! {
    /// Starting the walk at the last whitespace before each digit finds what walking every
    /// byte finds, on texts dense in the characters matches are made of.
    #[test]
    fn skipping_to_whitespace_before_digits_finds_the_same(
        text in "([0-9]{1,5}|[A-Z]{2}[0-9]{2}|[a-fA-F]{1,4}|[g-z]{1,6}|[ .:()+/@\n\t-]){0,60}"
    ) {
        proptest::prop_assert_eq!(scan_walk(&text, true), scan_walk(&text, false));
    }
}
