//! Section 2 of the eu-summary format, the list of data sources: per template category whether
//! it was used and its size per modality (from the mapped tokencensus categories), the public
//! datasets above 3% of their modality's public data, the crawled data's collection period and
//! top 10% of domains, and fill-in fields for what a census cannot know.

use super::estimate_note::sample_only;
use super::eu_sizes::{MAPPING, Modality, above_three_percent};
use super::grid::Grid;
use super::markdown::escape;
use super::{count_noun, periods, plural, share, thousands};
use crate::report::{CategoryReport, Report, SourceReport};
use crate::stats::Category;
use std::io::{self, Write};

/// A field the provider completes: a census cannot know it.
pub fn fill(what: &str) -> String {
    format!("**[FILL IN: {what}]**")
}

fn category(report: &Report, c: Category) -> Option<&CategoryReport> {
    report.categories.iter().find(|r| r.category == c)
}

fn sources_of(report: &Report, c: Category) -> Vec<&SourceReport> {
    report.sources.iter().filter(|s| s.category == c).collect()
}

/// "Used" and the size table of one template category.
fn used_and_sizes(report: &Report, cats: &[Category], out: &mut dyn Write) -> io::Result<()> {
    if cats.is_empty() {
        return writeln!(
            out,
            "- Used: {} tokencensus has no category of its own for private datasets obtained from third parties other than licensors; if such data was used, it is counted under `licensed` or `other` in this census.\n",
            fill("Yes or No")
        );
    }
    let reports: Vec<&CategoryReport> = cats.iter().filter_map(|c| category(report, *c)).collect();
    let header = [
        "tokencensus category",
        "Modality",
        "Size",
        "In words (rounded)",
    ];
    let mut sizes = Grid::new(&header, 2);
    for c in &reports {
        for m in Modality::ALL.into_iter().filter(|m| m.used(&c.tally)) {
            let (exact, words) = (m.exact_size(&c.tally), m.size_words(&c.tally));
            sizes.row([c.category.name().to_string(), m.name().into(), exact, words]);
        }
    }
    let names: Vec<String> = cats.iter().map(|c| format!("`{}`", c.name())).collect();
    let declared: u64 = reports.iter().map(|c| c.sources).sum();
    let (answer, nothing) = match (sizes.is_empty(), declared) {
        (false, _) => ("**Yes**", String::new()),
        (true, 0) => ("**No**", String::new()),
        (true, 1) => ("**No**", "; its one declared source counted nothing".into()),
        (true, n) => (
            "**No**",
            format!("; its {n} declared sources counted nothing"),
        ),
    };
    let noun = if names.len() == 1 {
        "category"
    } else {
        "categories"
    };
    writeln!(
        out,
        "- Used: {answer} (tokencensus {noun} {}{nothing})\n",
        names.join(" and ")
    )?;
    if !sizes.is_empty() {
        sizes.write_markdown(out)?;
    }
    Ok(())
}

/// 2.1: the public datasets above 3% of their modality's public data, and the others.
fn large_public(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let public = sources_of(report, Category::Public);
    let header = [
        "Dataset (source)",
        "Modality",
        "Size",
        "Share of the modality's public data",
    ];
    let (mut large, mut named) = (Grid::new(&header, 2), Vec::new());
    for m in Modality::ALL {
        let whole: u64 = public.iter().map(|s| m.amount(&s.tally)).sum();
        for s in &public {
            let part = m.amount(&s.tally);
            if part > 0 && above_three_percent(part, whole) {
                large.row([
                    s.name.clone(),
                    m.name().into(),
                    // an estimate scales text only: its other modalities are the sample's
                    m.exact(part) + m.interval(&s.tally).map_or(sample_only(&s.tally), |_| ""),
                    share(part, whole),
                ]);
                named.push(s.name.as_str());
            }
        }
    }
    if public.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "Large publicly available datasets (more than 3% of all publicly available data of their modality, by tokens, images or hours):\n"
    )?;
    large.write_markdown(out)?;
    let others: Vec<String> = public
        .iter()
        .filter(|s| !named.contains(&s.name.as_str()))
        .map(|s| escape(&s.name))
        .collect();
    if !others.is_empty() {
        writeln!(
            out,
            "Other publicly available datasets (3% or less of their modality's public data): {}.\n",
            others.join(", ")
        )?;
    }
    writeln!(
        out,
        "- General description of the other publicly available datasets: {}\n",
        fill("description")
    )?;
    for s in public.iter().filter(|s| s.url_field.is_some()) {
        writeln!(
            out,
            "- Note: `{}` carries URLs (field \"{}\"). A dataset published by others belongs here; data crawled by you or on your behalf belongs in 2.3: declare such a source `category = \"crawled\"` in the manifest.\n",
            escape(&s.name),
            escape(s.url_field.as_deref().unwrap_or_default())
        )?;
    }
    Ok(())
}

/// 2.3: fill-in fields, the collection period and the top 10% of domains.
fn crawled(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let Some(c) = category(report, Category::Crawled).filter(|c| c.tally.counts.tokens > 0) else {
        return Ok(());
    };
    let p = &c.tally.periods;
    let period = match (&p.earliest_month, &p.latest_month) {
        (Some(a), Some(b)) => format!(
            "{} to {} (from the records' dates{})",
            periods::mm_yyyy(a),
            periods::mm_yyyy(b),
            if c.tally.estimate.is_some() {
                ", in the sample"
            } else {
                ""
            }
        ),
        _ => fill(
            "period of data collection (MM/YYYY to MM/YYYY): the crawled records carry no dates",
        ),
    };
    for line in [
        format!(
            "- Crawler name(s) or identifiers: {}",
            fill("crawler names")
        ),
        format!("- Purposes of the crawlers: {}", fill("purposes")),
        format!(
            "- General description of the crawlers' behaviour (robots.txt, paywalls, logins, captchas): {}",
            fill("behaviour")
        ),
        format!("- Period of data collection: {period}"),
        format!(
            "- Comprehensive description of the type of content and online sources crawled: {}",
            fill("description")
        ),
    ] {
        writeln!(out, "{line}")?;
    }
    writeln!(out)?;
    top_domains(report, c, out)
}

/// The top 10% of the crawled data's domains by tokens.
fn top_domains(report: &Report, c: &CategoryReport, out: &mut dyn Write) -> io::Result<()> {
    let d = &c.tally.domains;
    // reports list domains ranked already; a report written by hand may not
    let mut listed = d.domains.clone();
    listed.sort_by(|a, b| {
        (b.tokens, b.documents)
            .cmp(&(a.tokens, a.documents))
            .then_with(|| a.domain.cmp(&b.domain))
    });
    let n = listed.len() as u64 + d.domains_other.domains;
    if n == 0 {
        let why = if sources_of(report, Category::Crawled)
            .iter()
            .any(|s| s.url_field.is_some())
        {
            "no crawled record had a usable URL"
        } else {
            "the crawled sources name no URL field (`url_field` in the manifest)"
        };
        return writeln!(
            out,
            "Top 10% of domain names by size of content: the census holds no domains ({why}). {}\n",
            fill("list of the top 10% of domain names")
        );
    }
    let k = n.div_ceil(10);
    let shown = listed.len().min(k as usize);
    let approximate = if d.domains_exact { "" } else { " about" };
    writeln!(
        out,
        "Top 10% of domain names by size of content (text tokens): {} of{approximate} {} registered {}{}.\n",
        thousands(k),
        thousands(n),
        plural(n, "domain", "domains"),
        sample_only(&c.tally)
    )?;
    let whole = c.tally.by_modality.text.tokens;
    let header = [
        "Rank",
        "Domain",
        "Documents",
        "Tokens",
        "Share of crawled text tokens",
    ];
    let mut top = Grid::new(&header, 2);
    for (i, x) in listed[..shown].iter().enumerate() {
        top.row([
            (i + 1).to_string(),
            x.domain.clone(),
            thousands(x.documents),
            thousands(x.tokens),
            share(x.tokens, whole),
        ]);
    }
    top.write_markdown(out)?;
    if (shown as u64) < k {
        writeln!(
            out,
            "The list was cut at the report's limit of {} ({} further {} summed in the report), so {} of the {} of the top 10% are named here: {}\n",
            count_noun(listed.len() as u64, "domain", "domains"),
            thousands(d.domains_other.domains),
            plural(d.domains_other.domains, "domain is", "domains are"),
            thousands(shown as u64),
            count_noun(k, "domain", "domains"),
            fill(&format!(
                "the remaining {}, from a count with a higher domain limit",
                count_noun(k - shown as u64, "domain", "domains")
            ))
        )?;
    }
    if !d.domains_exact {
        writeln!(
            out,
            "Per-domain figures are approximate (bounded memory or merged partial lists); the sums over all domains are exact.\n"
        )?;
    }
    if d.without_domain.documents > 0 {
        writeln!(
            out,
            "{} ({}) had no usable URL and {} in no domain.\n",
            count_noun(
                d.without_domain.documents,
                "crawled document",
                "crawled documents"
            ),
            count_noun(d.without_domain.tokens, "token", "tokens"),
            plural(d.without_domain.documents, "is", "are")
        )?;
    }
    Ok(())
}

/// Section 2, in the template's order.
pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "## 2. List of data sources\n")?;
    let mut private_heading = false;
    for (number, title, cats) in MAPPING {
        if number.starts_with("2.2") && !private_heading {
            writeln!(
                out,
                "### 2.2 Private non-publicly available datasets obtained from third parties\n"
            )?;
            private_heading = true;
        }
        let level = if number.starts_with("2.2.") {
            "####"
        } else {
            "###"
        };
        writeln!(out, "{level} {number} {title}\n")?;
        used_and_sizes(report, cats, out)?;
        let fills: &[&str] = match number {
            "2.1" => {
                large_public(report, out)?;
                &[]
            }
            "2.2.1" => &["general description of the licensed data"],
            "2.2.2" => &["list of publicly known private datasets and a general description"],
            "2.3" => {
                crawled(report, out)?;
                &[]
            }
            "2.4" => &["the services or products the user data comes from"],
            "2.5" => &[
                "the AI models used to generate the synthetic data, where available on the market",
            ],
            _ => &["description of the other sources"],
        };
        for what in fills {
            writeln!(out, "- {}\n", fill(what))?;
        }
    }
    Ok(())
}
