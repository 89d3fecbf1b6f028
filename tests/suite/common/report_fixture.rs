//! The disclosure fixture `fixtures/reports/disclosure.json`: a census at the scale of a large
//! training set (trillions of tokens, millions of images, thousands of hours), with months,
//! domains, every category and modality, unsupported items and input errors. It is built here so
//! that every figure is consistent: the totals and categories are the sums of the sources, each
//! source's histogram decodes to its documents, months, domains and remainders add up to the
//! text counted. `tests/suite/disclosure.rs` checks that the file equals this builder's output;
//! regenerate it with `TOKENCENSUS_WRITE_FIXTURES=1 cargo test --test suite disclosure::`.

use super::at;
use super::report_specs::{Spec, specs};
use serde_json::{Map, Value, json};
use tokencensus::stats::TokenDistribution;

/// How many domains a tally lists before summing the rest into `domains_other`.
pub const DOMAIN_LIMIT: usize = 15;

/// `total` split by `weights` (largest remainders to the first entries).
fn split(total: u64, weights: &[u64]) -> Vec<u64> {
    let sum: u64 = weights.iter().sum();
    let mut parts: Vec<u64> = weights
        .iter()
        .map(|&w| (u128::from(total) * u128::from(w) / u128::from(sum)) as u64)
        .collect();
    let mut left = total - parts.iter().sum::<u64>();
    for part in parts.iter_mut() {
        if left == 0 {
            break;
        }
        *part += 1;
        left -= 1;
    }
    parts
}

fn per_mille(n: u64, pm: u64) -> u64 {
    (u128::from(n) * u128::from(pm) / 1000) as u64
}

fn doc_tokens(documents: u64, tokens: u64) -> Value {
    json!({ "documents": documents, "tokens": tokens })
}

/// The histogram of `documents` as a report carries it (HDR V2 deflate, base64, sized by its
/// largest value, three significant digits), and the distribution it decodes to.
fn histogram(documents: &[(u64, u64)], tokens: u64) -> Option<(String, TokenDistribution)> {
    use base64::Engine as _;
    use hdrhistogram::serialization::{Serializer, V2DeflateSerializer};
    let max = documents.iter().map(|d| d.0).max()?;
    let min = documents.iter().map(|d| d.0).min()?;
    let mut h = hdrhistogram::Histogram::<u64>::new_with_max(max.max(2), 3).unwrap();
    for &(value, count) in documents {
        h.record_n(value, count).unwrap();
    }
    let mut bytes = Vec::new();
    V2DeflateSerializer::new()
        .serialize(&h, &mut bytes)
        .unwrap();
    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
    let decoded = TokenDistribution::from_base64(&encoded, min, max, tokens).unwrap();
    Some((encoded, decoded))
}

/// One source's tally fields and histogram.
fn source_tally(spec: &Spec) -> (Map<String, Value>, Option<(String, TokenDistribution)>) {
    let documents: u64 = spec.documents.iter().map(|d| d.1).sum();
    let text_tokens: u64 = spec.documents.iter().map(|d| d.0 * d.1).sum();
    let bytes = per_mille(text_tokens, spec.bytes_per_token_milli);
    let [image, audio, video, unsupported, webdataset] = spec.media;
    let media_tokens = image[2] + audio[2] + video[3];
    let hist = histogram(spec.documents, text_tokens);
    let mut by_month = Map::new();
    let mut by_year: std::collections::BTreeMap<String, (u64, u64)> = Default::default();
    let (mut undated, mut declared) = ((0, 0), (0, 0));
    let (mut earliest, mut latest) = (Value::Null, Value::Null);
    if !spec.months.is_empty() {
        undated = (
            per_mille(documents, spec.undated_per_mille),
            per_mille(text_tokens, spec.undated_per_mille),
        );
        let weights: Vec<u64> = spec.months.iter().map(|m| m.1).collect();
        let docs = split(documents - undated.0, &weights);
        let toks = split(text_tokens - undated.1, &weights);
        for (i, (month, _)) in spec.months.iter().enumerate() {
            by_month.insert(month.to_string(), doc_tokens(docs[i], toks[i]));
            let year = by_year.entry(month[..4].to_string()).or_default();
            year.0 += docs[i];
            year.1 += toks[i];
        }
        earliest = json!(spec.months[0].0);
        latest = json!(spec.months[spec.months.len() - 1].0);
    } else if let Some((from, to)) = spec.collected {
        declared = (documents, text_tokens);
        earliest = json!(from);
        latest = json!(to);
    } else {
        undated = (documents, text_tokens);
    }
    let domains: Vec<Value> = spec
        .domains
        .iter()
        .map(|(d, pm)| {
            json!({ "domain": d, "documents": per_mille(documents, *pm),
                    "tokens": per_mille(text_tokens, *pm) })
        })
        .collect();
    let listed = |key: &str| {
        domains
            .iter()
            .map(|d| d[key].as_u64().unwrap())
            .sum::<u64>()
    };
    let (other_docs, other_tokens) = (
        per_mille(documents, spec.other_domains.1),
        per_mille(text_tokens, spec.other_domains.1),
    );
    let without = (
        documents - listed("documents") - other_docs,
        text_tokens - listed("tokens") - other_tokens,
    );
    let Value::Object(mut tally) = json!({
        "files": spec.files, "documents": documents, "bytes": bytes,
        "input_bytes": spec.input_bytes, "tokens": text_tokens + media_tokens,
        "by_modality": {
            "text": { "documents": documents, "bytes": bytes, "tokens": text_tokens },
            "image": { "items": image[0], "pixels": image[1], "tokens": image[2] },
            "audio": { "items": audio[0], "seconds": audio[1] as f64 / 1000.0, "tokens": audio[2] },
            "video": { "items": video[0], "seconds": video[1] as f64 / 1000.0,
                       "frames": video[2], "tokens": video[3] },
        },
        "unsupported": { "items": unsupported[0], "bytes": unsupported[1] },
        "webdataset": { "samples": webdataset[0], "metadata_members": webdataset[1],
                        "metadata_bytes": webdataset[2] },
        "by_month": by_month,
        "by_year": by_year.into_iter().map(|(y, (d, t))| (y, doc_tokens(d, t))).collect::<Map<_, _>>(),
        "earliest_month": earliest, "latest_month": latest,
        "undated": doc_tokens(undated.0, undated.1),
        "declared": doc_tokens(declared.0, declared.1),
        "domains": domains,
        "domains_other": { "domains": spec.other_domains.0, "documents": other_docs, "tokens": other_tokens },
        "without_domain": doc_tokens(without.0, without.1),
        "domains_exact": true,
    }) else {
        unreachable!()
    };
    limit_domains(&mut tally, 1);
    finish(&mut tally, hist.as_ref().map(|h| &h.1));
    (tally, hist)
}

/// Sets the derived figures: bytes per token and the tokens-per-document summary.
fn finish(tally: &mut Map<String, Value>, distribution: Option<&TokenDistribution>) {
    let text = &tally["by_modality"]["text"];
    let (bytes, tokens) = (
        text["bytes"].as_u64().unwrap(),
        text["tokens"].as_u64().unwrap(),
    );
    let bytes_per_token = (tokens > 0).then(|| bytes as f64 / tokens as f64);
    tally.insert("bytes_per_token".into(), json!(bytes_per_token));
    let summary = distribution.and_then(TokenDistribution::summary);
    tally.insert(
        "tokens_per_document".into(),
        serde_json::to_value(summary).unwrap(),
    );
}

/// Adds tally `b` into `a`: counters add, months and domains merge, bounds widen.
fn add(a: &mut Map<String, Value>, b: &Map<String, Value>) {
    for (key, theirs) in b {
        let Some(ours) = a.get_mut(key) else {
            a.insert(key.clone(), theirs.clone());
            continue;
        };
        match key.as_str() {
            "earliest_month" | "latest_month" => {
                let pick_theirs = match (ours.as_str(), theirs.as_str()) {
                    (None, Some(_)) => true,
                    (Some(o), Some(t)) => (key == "earliest_month") == (t < o),
                    _ => false,
                };
                if pick_theirs {
                    *ours = theirs.clone();
                }
            }
            "domains" if ours.is_array() => {
                let list = ours.as_array_mut().unwrap();
                for d in theirs.as_array().unwrap() {
                    match list.iter_mut().find(|o| at(o, "domain") == at(d, "domain")) {
                        Some(o) => add(o.as_object_mut().unwrap(), d.as_object().unwrap()),
                        None => list.push(d.clone()),
                    }
                }
            }
            "domains_exact" => *ours = json!(ours == &json!(true) && theirs == &json!(true)),
            "bytes_per_token" | "tokens_per_document" | "domain" => {}
            _ => match (ours, theirs) {
                (Value::Object(o), Value::Object(t)) => add(o, t),
                (ours, theirs) if ours.is_u64() => {
                    *ours = json!(ours.as_u64().unwrap() + theirs.as_u64().unwrap())
                }
                (ours, theirs) => *ours = json!(ours.as_f64().unwrap() + theirs.as_f64().unwrap()),
            },
        }
    }
}

/// Keeps the largest [`DOMAIN_LIMIT`] domains, summing the rest into `domains_other`; a tally
/// whose remainders came from several sources may count a domain twice there, so it is marked
/// approximate as the report format says.
fn limit_domains(tally: &mut Map<String, Value>, merged_remainders: usize) {
    let mut list = tally["domains"].as_array().unwrap().clone();
    list.sort_by(|x, y| {
        (y["tokens"].as_u64(), x["domain"].as_str())
            .cmp(&(x["tokens"].as_u64(), y["domain"].as_str()))
    });
    let cut = list.split_off(list.len().min(DOMAIN_LIMIT));
    let other = tally["domains_other"].as_object_mut().unwrap();
    for d in &cut {
        for key in ["documents", "tokens"] {
            other[key] = json!(other[key].as_u64().unwrap() + d[key].as_u64().unwrap());
        }
    }
    other["domains"] = json!(other["domains"].as_u64().unwrap() + cut.len() as u64);
    tally["domains"] = Value::Array(list);
    if merged_remainders > 1 {
        tally["domains_exact"] = json!(false);
    }
}

/// Input errors of the fixture, sorted by path and line.
fn errors() -> Value {
    json!([
        { "path": "crawl/2023-07/part-00017.jsonl.zst", "line": null, "kind": "decompress",
          "message": "zstd: unexpected end of frame after 1,048,576 lines" },
        { "path": "crawl/2023-07/part-00211.jsonl.zst", "line": 88_121, "kind": "json",
          "message": "EOF while parsing a string at column 1,022" },
        { "path": "crawl/2023-09/part-00003.jsonl.zst", "line": 5_510, "kind": "invalid_unicode",
          "message": "invalid UTF-8 at byte 301" },
        { "path": "fineweb-edu/000_00042.parquet", "line": 12_009, "kind": "missing_field",
          "message": "null text" },
        { "path": "images/shard-01022.tar", "line": null, "kind": "media",
          "message": "000123.jpg: truncated JPEG header" },
        { "path": "lectures/README", "line": null, "kind": "unmatched",
          "message": "no source claims this file" },
        { "path": "podcasts/ep-9912.mp3", "line": null, "kind": "io",
          "message": "Permission denied (os error 13)" },
    ])
}

/// One category's sums while the sources are added.
struct CategorySum {
    name: &'static str,
    sources: u64,
    tally: Map<String, Value>,
    distribution: TokenDistribution,
    /// How many of its sources sum domains beyond their lists.
    remainders: usize,
}

/// The whole fixture report.
pub fn build() -> Value {
    let order = [
        "public",
        "crawled",
        "licensed",
        "products",
        "interactions",
        "synthetic",
        "other",
    ];
    let token_models = serde_json::to_value(tokencensus::media::TokenModels::default()).unwrap();
    let (mut sources, mut totals) = (Vec::new(), Map::new());
    let mut total_distribution = TokenDistribution::default();
    let mut categories: Vec<CategorySum> = Vec::new();
    let mut remainders = 0;
    for spec in specs() {
        let (tally, hist) = source_tally(&spec);
        let has_remainder = tally["domains_other"]["domains"].as_u64().unwrap() > 0;
        remainders += usize::from(has_remainder);
        add(&mut totals, &tally);
        let at = match categories.iter().position(|c| c.name == spec.category) {
            Some(at) => at,
            None => {
                categories.push(CategorySum {
                    name: spec.category,
                    sources: 0,
                    tally: Map::new(),
                    distribution: TokenDistribution::default(),
                    remainders: 0,
                });
                categories.len() - 1
            }
        };
        let category = &mut categories[at];
        category.sources += 1;
        add(&mut category.tally, &tally);
        category.remainders += usize::from(has_remainder);
        if let Some((_, d)) = &hist {
            total_distribution += d;
            category.distribution += d;
        }
        let mut source = json!({
            "name": spec.name, "category": spec.category, "text_field": "text",
            "token_models": token_models,
            "date_field": spec.date_field, "url_field": spec.url_field,
            "collected": spec.collected.map(|(from, to)| json!({ "from": from, "to": to })),
        });
        source.as_object_mut().unwrap().extend(tally);
        source["tokens_per_document_hdr"] = json!(hist.map(|h| h.0));
        sources.push(source);
    }
    categories.sort_by_key(|c| order.iter().position(|o| *o == c.name));
    limit_domains(&mut totals, remainders);
    finish(&mut totals, Some(&total_distribution));
    let errors = errors();
    totals.insert("errors".into(), json!(errors.as_array().unwrap().len()));
    let categories: Vec<Value> = categories
        .into_iter()
        .map(|mut c| {
            limit_domains(&mut c.tally, c.remainders);
            finish(&mut c.tally, Some(&c.distribution));
            let mut category = json!({ "category": c.name, "sources": c.sources });
            category.as_object_mut().unwrap().extend(c.tally);
            category
        })
        .collect();
    super::sealed(json!({
        "schema_version": 1,
        "tool": { "name": "tokencensus", "version": "0.1.0" },
        "tokenizer": {
            "name": "llama3",
            "sha256": "c05a3c2174e9edd5be19dc5a0748c42a9037bec2811ce062728bfd71f8702d78",
            "vocab_size": 128_256, "special_tokens": false, "engine": "fast-bpe",
            "fallback_reason": null, "origin": "embedded"
        },
        "settings": { "text_field": "text", "manifest": "sources.toml" },
        "totals": totals,
        "sources": sources,
        "categories": categories,
        "errors": errors,
        "run": { "threads": 64, "mmap": true, "elapsed_seconds": 5_412.5, "shard": null,
                 "merged_parts": 32, "resumed_files": null }
    }))
}
