//! Personal-data figures of one source: documents and matches per kind (never the matched
//! text). Merges with `+=`.

/// The kinds of personal data counted, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PiiKind {
    /// E-mail addresses.
    Email,
    /// Phone numbers.
    Phone,
    /// IPv4 and IPv6 addresses.
    Ip,
    /// Luhn-valid payment card numbers.
    PaymentCard,
    /// Checksum-valid IBANs.
    Iban,
}

impl PiiKind {
    /// Every kind, in report order.
    pub const ALL: [PiiKind; 5] = [
        PiiKind::Email,
        PiiKind::Phone,
        PiiKind::Ip,
        PiiKind::PaymentCard,
        PiiKind::Iban,
    ];

    /// The JSON name.
    pub fn name(self) -> &'static str {
        match self {
            PiiKind::Email => "email",
            PiiKind::Phone => "phone",
            PiiKind::Ip => "ip",
            PiiKind::PaymentCard => "payment_card",
            PiiKind::Iban => "iban",
        }
    }
}

/// Matches per kind in one text, indexed like [`PiiKind::ALL`].
pub type Matches = [u64; 5];

/// Per-kind documents and matches of one source (or a sum of sources).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PiiStats {
    /// Documents with at least one match, per kind (indexed like [`PiiKind::ALL`]).
    pub documents: [u64; 5],
    /// Matches, per kind.
    pub matches: [u64; 5],
    /// Documents with at least one match of any kind.
    pub any_documents: u64,
}

impl PiiStats {
    /// Records one document's matches.
    pub fn record(&mut self, found: &Matches) {
        for (k, &n) in found.iter().enumerate() {
            self.documents[k] += u64::from(n > 0);
            self.matches[k] += n;
        }
        self.any_documents += u64::from(found.iter().any(|&n| n > 0));
    }
}

impl std::ops::AddAssign<&PiiStats> for PiiStats {
    fn add_assign(&mut self, other: &PiiStats) {
        for k in 0..5 {
            self.documents[k] += other.documents[k];
            self.matches[k] += other.matches[k];
        }
        self.any_documents += other.any_documents;
    }
}
