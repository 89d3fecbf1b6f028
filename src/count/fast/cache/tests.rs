use super::*;

#[test]
fn counters_taking_turns_keep_their_pieces() {
    let mut cache = ThreadCache {
        memo: Memo::new(),
        parked: Vec::new(),
        scratch: Vec::new(),
        deferred: Vec::new(),
    };
    let computed = std::cell::Cell::new(0);
    let count = |cache: &mut ThreadCache, id: u64, n: u32| {
        cache.claim(id);
        cache.count(b"piece", |_, _| {
            computed.set(computed.get() + 1);
            n
        })
    };
    for _ in 0..3 {
        for id in 1..=4 {
            assert_eq!(count(&mut cache, id, id as u32), id as u32);
        }
    }
    assert_eq!(computed.get(), 4, "each counter computed its piece once");
    // A fifth counter takes the place of the current one's memo.
    assert_eq!(count(&mut cache, 5, 5), 5);
    assert_eq!(count(&mut cache, 4, 4), 4);
    assert_eq!(computed.get(), 6);
    cache.forget();
    assert_eq!(
        count(&mut cache, 4, 3),
        3,
        "a forgotten memo is counted again"
    );
}

#[test]
fn pack_is_the_zero_padded_bytes_with_the_length_on_top() {
    let text: Vec<u8> = (1..=15u8).map(|b| b.wrapping_mul(37) | 0x80).collect();
    for n in 2..=15 {
        let piece = &text[..n];
        let mut bytes = [0u8; 16];
        bytes[..n].copy_from_slice(piece);
        bytes[15] = n as u8;
        assert_eq!(pack(piece), u128::from_le_bytes(bytes), "{n} bytes");
    }
}

#[test]
fn pack_in_is_pack_of_the_piece_anywhere_in_the_text() {
    let text: Vec<u8> = (0..40u8).map(|b| b.wrapping_mul(97) ^ 0xA5).collect();
    for start in 0..text.len() {
        for n in 2..=MAX_PACKED.min(text.len() - start) {
            let piece = &text[start..start + n];
            assert_eq!(pack_in(&text, start, n), pack(piece), "{start}+{n}");
        }
    }
}

#[test]
fn pieces_kept_aside_are_counted_once_each_and_cached() {
    let mut cache = ThreadCache {
        memo: Memo::new(),
        parked: Vec::new(),
        scratch: Vec::new(),
        deferred: Vec::new(),
    };
    cache.claim(1);
    // Pieces of 2 to 4 bytes, each counted as its length; "ab" twice in the first batch.
    let text = b"ab cd ab efg hijk lm no pq rs tu vw xy za bc de fg hi jk";
    let ranges: Vec<(usize, usize)> = text
        .split(|&b| b == b' ')
        .scan(0, |at, word| {
            let start = *at;
            *at += word.len() + 1;
            Some((start, start + word.len()))
        })
        .collect();
    let batches = std::cell::Cell::new(0);
    let counted = std::cell::RefCell::new(Vec::new());
    let count_many = |pieces: &[&[u8]], counts: &mut [u32], _: &mut Vec<u32>| {
        batches.set(batches.get() + 1);
        counted
            .borrow_mut()
            .extend(pieces.iter().map(|p| p.to_vec()));
        for (count, piece) in counts.iter_mut().zip(pieces) {
            *count = piece.len() as u32;
        }
    };
    let never = |_: &[u8], _: &mut Vec<u32>| -> u32 { panic!("short pieces wait") };
    let mut total = 0;
    for &(start, end) in &ranges {
        total += cache.count_or_defer(text, start, end, never, count_many);
    }
    assert_eq!(batches.get(), 1, "{} pieces fill one batch", IN_STEP);
    total += cache.count_deferred(text, count_many);
    let want: usize = ranges.iter().map(|(s, e)| e - s).sum();
    assert_eq!(total, want as u64);
    assert_eq!(batches.get(), 2, "the rest counted when the text ends");
    // "ab" came twice while it waited: counted twice, merged once.
    let mut merged = counted.take();
    assert_eq!(merged.len(), ranges.len() - 1);
    merged.sort();
    merged.dedup();
    assert_eq!(merged.len(), ranges.len() - 1, "no piece merged twice");
    // Every piece is cached now: counted again without a batch.
    for &(start, end) in &ranges {
        assert_eq!(
            cache.count_or_defer(text, start, end, never, count_many),
            (end - start) as u64
        );
    }
    assert_eq!(batches.get(), 2);
    assert!(cache.deferred.is_empty());
}

/// Whether `cache` keeps a memo of counter `id`.
fn holds(cache: &ThreadCache, id: u64) -> bool {
    cache.memo.owner == id || cache.parked.iter().any(|memo| memo.owner == id)
}

#[test]
fn a_dropped_counter_lets_go_of_its_memos_on_the_kept_threads() {
    // A number of threads no other test uses, so that no other counter claims the thread.
    let pool = crate::count::worker_pool(7).unwrap();
    let (owner, other) = (CacheOwner::new(), CacheOwner::new());
    let (id, other_id) = (owner.id(), other.id());
    pool.install(|| {
        CACHE.with_borrow_mut(|cache| {
            for id in [id, other_id] {
                cache.claim(id);
                assert_eq!(cache.count(b"piece", |_, _| 2), 2);
            }
        })
    });
    let held = || {
        pool.broadcast(|_| CACHE.with_borrow(|cache| (holds(cache, id), holds(cache, other_id))))
    };
    // Every thread answers; the one that counted holds both memos.
    let before = held();
    assert_eq!(before.len(), 7);
    assert!(before.contains(&(true, true)));
    drop(owner);
    // A thread runs broadcasts in the order they were sent: the letting go comes first.
    assert!(held().iter().all(|&(mine, _)| !mine));
    assert!(held().contains(&(false, true)));
    drop(other);
    assert_eq!(held(), vec![(false, false); 7]);
}
