//! Mapped files that shrink while they are read: touching a mapped page past a file's new end
//! raises `SIGBUS`, which kills the process. A guarded map is registered here; the `SIGBUS`
//! handler installed with the first one maps a page of zeros over the page that faulted (so that
//! the read goes on, seeing zeros) and records where the map faulted. The reader finishes its
//! range, and whoever reads the map asks [`Guarded::fault`] afterwards and throws away what was
//! read: the file is reported as one that changed while it was read.
//!
//! A fault outside every registered map is handed to the handler that was there before (Rust's
//! own stack-overflow handler, or the default action, which ends the process as before). The
//! handler only reads atomics and makes one `mmap` system call, as a signal handler may.

use std::sync::Once;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// How many maps can be guarded at once; a file mapped beyond that is read instead.
const SLOTS: usize = 4096;
/// A slot being filled or emptied.
const BUSY: usize = usize::MAX;
/// No fault recorded.
const NO_FAULT: u64 = u64::MAX;

/// One guarded map: where it starts, how long it is, and the offset of its first faulting page.
struct Region {
    start: AtomicUsize,
    len: AtomicUsize,
    fault: AtomicU64,
}

#[allow(clippy::declare_interior_mutable_const)] // each array element is its own static slot
const EMPTY: Region = Region {
    start: AtomicUsize::new(0),
    len: AtomicUsize::new(0),
    fault: AtomicU64::new(NO_FAULT),
};

static REGIONS: [Region; SLOTS] = [EMPTY; SLOTS];
static PAGE: AtomicUsize = AtomicUsize::new(4096);
static INSTALL: Once = Once::new();
/// The action for `SIGBUS` before this module's, as a `sigaction` copied bytewise.
static mut PREVIOUS: Option<libc::sigaction> = None;
/// Whether the handler is in place.
static INSTALLED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// A registered map; unregistered when dropped (before the map is unmapped).
pub struct Guarded {
    slot: usize,
}

impl Guarded {
    /// Registers the map of `len` bytes at `start`; `None` when the handler cannot be installed
    /// or every slot is taken (the caller reads the file instead of mapping it).
    pub fn register(start: *const u8, len: usize) -> Option<Guarded> {
        install();
        if !INSTALLED.load(Ordering::Acquire) || start.is_null() || len == 0 {
            return None;
        }
        let slot = REGIONS.iter().position(|r| {
            r.start
                .compare_exchange(0, BUSY, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
        })?;
        let region = &REGIONS[slot];
        region.len.store(len, Ordering::Release);
        region.fault.store(NO_FAULT, Ordering::Release);
        region.start.store(start as usize, Ordering::Release);
        Some(Guarded { slot })
    }

    /// The offset (from the map's start) of the first page that faulted, if one did.
    pub fn fault(&self) -> Option<u64> {
        let fault = REGIONS[self.slot].fault.load(Ordering::Acquire);
        (fault != NO_FAULT).then_some(fault)
    }
}

impl Drop for Guarded {
    fn drop(&mut self) {
        let region = &REGIONS[self.slot];
        region.start.store(BUSY, Ordering::Release);
        region.len.store(0, Ordering::Release);
        region.start.store(0, Ordering::Release);
    }
}

/// Installs the `SIGBUS` handler once, keeping the previous action to hand foreign faults to.
fn install() {
    INSTALL.call_once(|| {
        // SAFETY: sysconf has no preconditions.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        if page > 0 {
            PAGE.store(page as usize, Ordering::Relaxed);
        }
        // SAFETY: a zeroed sigaction is a valid value to fill in; the handler has the
        // `SA_SIGINFO` signature; `PREVIOUS` is written before the handler can run and never
        // again.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_sigbus as *const () as usize;
            action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
            libc::sigemptyset(&mut action.sa_mask);
            let mut previous: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(libc::SIGBUS, std::ptr::null(), &mut previous) != 0 {
                return;
            }
            *std::ptr::addr_of_mut!(PREVIOUS) = Some(previous);
            if libc::sigaction(libc::SIGBUS, &action, std::ptr::null_mut()) == 0 {
                INSTALLED.store(true, Ordering::Release);
            }
        }
    });
}

/// The `SIGBUS` handler: zeros over a faulting page of a guarded map, else the previous action.
extern "C" fn on_sigbus(
    signal: libc::c_int,
    info: *mut libc::siginfo_t,
    context: *mut libc::c_void,
) {
    // SAFETY: the kernel passes a valid siginfo to an `SA_SIGINFO` handler.
    let address = unsafe { (*info).si_addr() } as usize;
    let page = PAGE.load(Ordering::Relaxed);
    for region in &REGIONS {
        let start = region.start.load(Ordering::Acquire);
        if start == 0 || start == BUSY {
            continue;
        }
        let len = region.len.load(Ordering::Acquire);
        if address < start || address - start >= len {
            continue;
        }
        let page_start = address & !(page - 1);
        // SAFETY: the page lies in a live read-only map of this process (its `Guarded` is
        // registered): replacing it with a private page of zeros changes what the reader sees,
        // as the shrinking file did, and nothing else.
        let zeros = unsafe {
            libc::mmap(
                page_start as *mut libc::c_void,
                page,
                libc::PROT_READ,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
                -1,
                0,
            )
        };
        if zeros != libc::MAP_FAILED {
            let offset = page_start.saturating_sub(start) as u64;
            region.fault.fetch_min(offset, Ordering::AcqRel);
            return;
        }
        break;
    }
    previous(signal, info, context);
}

/// Hands a fault that is not a guarded map's to the action there was before.
fn previous(signal: libc::c_int, info: *mut libc::siginfo_t, context: *mut libc::c_void) {
    // SAFETY: `PREVIOUS` was written once before the handler was installed.
    let previous = unsafe { *std::ptr::addr_of!(PREVIOUS) };
    let Some(previous) = previous else {
        return;
    };
    let handler = previous.sa_sigaction;
    if handler == libc::SIG_DFL || handler == libc::SIG_IGN {
        // Back to the default action: returning re-runs the faulting access, which now ends
        // the process as it would have without this module.
        // SAFETY: restoring the saved action.
        unsafe { libc::sigaction(signal, &previous, std::ptr::null_mut()) };
        return;
    }
    // SAFETY: the previous handler was installed for this signal with these flags.
    unsafe {
        if previous.sa_flags & libc::SA_SIGINFO != 0 {
            let handler: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                std::mem::transmute(handler);
            handler(signal, info, context);
        } else {
            let handler: extern "C" fn(libc::c_int) = std::mem::transmute(handler);
            handler(signal);
        }
    }
}
