;; Where key ids may start: the runs of exactly `length` (20) key-id bytes (A-Z0-9) in a range
;; of memory. The search every file scan spends most of its own time in; see key-id-runs.ts for
;; why it is WebAssembly, and scripts/build-wasm.mjs to rebuild the bytes embedded there.
;;
;; Memory (imported): bytes [0, 256) are a table of bit flags per byte value, and `mask` picks the
;; class searched for (1: key-id bytes A-Z0-9; 2: secret-key bytes A-Za-z0-9/+), and runs of
;; exactly `length` bytes are found, or of `length` or more when `atLeast` is 1; the
;; bytes searched lie at [first, filled), with at least `length` readable bytes after `filled`
;; (what lies there can only make a sample go on to the run test, which stops at `filled`).
;;
;; Every run of `length` bytes holds one of the bytes at from + length - 1, + 2 * length - 1,
;; ... ("p"). A run that holds p also holds p - k or p + m whenever k + m <= length; so p goes
;; on only if it and one of p -/+ length/2 are key-id bytes, then only if one of p - q, p + 3q
;; and one of p - 3q, p + q are (q = length / 4), and only then are the run's ends looked for.
;; Each stage is free of branches: a branch per byte mispredicts too often on text.
(module
  (import "env" "memory" (memory 1))
  ;; Writes the starts in [from, limit) to `out` (32-bit each, at most `room`), returns how many.
  ;; When it returns `room`, the caller goes on from the last start + 1.
  (func (export "runs")
    (param $first i32) (param $from i32) (param $limit i32) (param $filled i32)
    (param $out i32) (param $room i32) (param $length i32) (param $mask i32) (param $atLeast i32) (result i32)
    (local $p i32) (local $end i32) (local $start i32) (local $stop i32) (local $n i32)
    (local $q i32) (local $half i32) (local $q3 i32)
    (local.set $half (i32.shr_u (local.get $length) (i32.const 1)))
    (local.set $q (i32.shr_u (local.get $length) (i32.const 2)))
    (local.set $q3 (i32.add (local.get $q) (local.get $half)))
    ;; a run that starts before `limit` holds a p below limit + length - 1
    (local.set $end (i32.sub (i32.add (local.get $limit) (local.get $length)) (i32.const 1)))
    (if (i32.gt_u (local.get $end) (local.get $filled)) (then (local.set $end (local.get $filled))))
    (local.set $p (i32.sub (i32.add (local.get $from) (local.get $length)) (i32.const 1)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (if (i32.and
              (i32.and (i32.load8_u (i32.load8_u (local.get $p))) (local.get $mask))
              (i32.or
                (i32.and (i32.load8_u (i32.load8_u (i32.sub (local.get $p) (local.get $half)))) (local.get $mask))
                (i32.and (i32.load8_u (i32.load8_u (i32.add (local.get $p) (local.get $half)))) (local.get $mask))))
          (then
            (if (i32.and
                  (i32.or
                    (i32.and (i32.load8_u (i32.load8_u (i32.sub (local.get $p) (local.get $q)))) (local.get $mask))
                    (i32.and (i32.load8_u (i32.load8_u (i32.add (local.get $p) (local.get $q3)))) (local.get $mask)))
                  (i32.or
                    (i32.and (i32.load8_u (i32.load8_u (i32.sub (local.get $p) (local.get $q3)))) (local.get $mask))
                    (i32.and (i32.load8_u (i32.load8_u (i32.add (local.get $p) (local.get $q)))) (local.get $mask))))
              (then
                ;; the run around p: [start, stop)
                (local.set $start (local.get $p))
                (block $left
                  (loop $back
                    (br_if $left (i32.le_u (local.get $start) (local.get $first)))
                    (br_if $left (i32.eqz (i32.and (i32.load8_u (i32.load8_u (i32.sub (local.get $start) (i32.const 1)))) (local.get $mask))))
                    (local.set $start (i32.sub (local.get $start) (i32.const 1)))
                    (br $back)))
                (local.set $stop (i32.add (local.get $p) (i32.const 1)))
                (block $right
                  (loop $on
                    (br_if $right (i32.ge_u (local.get $stop) (local.get $filled)))
                    (br_if $right (i32.eqz (i32.and (i32.load8_u (i32.load8_u (local.get $stop))) (local.get $mask))))
                    (local.set $stop (i32.add (local.get $stop) (i32.const 1)))
                    (br $on)))
                (if (i32.and
                      (i32.or
                        (i32.eq (i32.sub (local.get $stop) (local.get $start)) (local.get $length))
                        (i32.and (local.get $atLeast) (i32.ge_u (i32.sub (local.get $stop) (local.get $start)) (local.get $length))))
                      (i32.and (i32.ge_u (local.get $start) (local.get $from)) (i32.lt_u (local.get $start) (local.get $limit))))
                  (then
                    (i32.store (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))) (local.get $start))
                    (local.set $n (i32.add (local.get $n) (i32.const 1)))
                    (br_if $done (i32.ge_u (local.get $n) (local.get $room)))))
                ;; the next run starts after `stop`: the byte `length` further on lies in any
                ;; run of that length that starts in between
                (local.set $p (local.get $stop))))))
        (local.set $p (i32.add (local.get $p) (local.get $length)))
        (br $next)))
    (local.get $n)))
