;; Where candidates start, in one pass over a range of memory: key ids (runs of exactly 20 key-id
;; bytes, A-Z0-9) and long runs (27 or more secret-key bytes, A-Za-z0-9+/: secret keys, Bedrock
;; keys, base64 values). The search every file scan spends most of its own time in; see
;; key-id-runs.ts for why it is WebAssembly, and scripts/build-wasm.mjs to rebuild the bytes
;; embedded there.
;;
;; Memory (imported): [0, 16) and [16, 32) are tables indexed by a byte's low and high nibble
;; whose AND is not zero for a secret-key byte and has a bit of 0xf0 set for a key-id byte (every
;; key-id byte is a secret-key byte); [32, 36) receives the number of long runs found; [64, 320)
;; holds a flag per byte value (1: key-id byte, 2: secret-key byte) for the few bytes looked at
;; one by one. The bytes searched lie at [first, filled), `first` a multiple of 64, with 64
;; writable bytes after `filled` (saved, zeroed while searching, and put back).
;;
;; 64 bytes at a time, with SIMD: every byte is classified with two table look-ups (swizzle), and
;; the masks of bytes not in a class are narrowed with signed saturation (a pair that is not zero
;; stays so) until each byte stands for 4 bytes: one bit per 4-byte group that is all of the
;; class. A run of 27 or more secret-key bytes holds 6 such groups in a row (27 = 6 * 4 + 3), a
;; key id 4 (20 >= 4 * 4 + 3); text holds neither (a space comes every few bytes, a number of 12
;; digits holds 3), so nearly every block ends there, with no branch per byte. Only the first
;; window of full groups of a run (the one before it is not full) is looked at byte by byte: its
;; run starts at most 3 bytes before it. So a long base64 value costs one look, not one per block.
;; A key id's 4 groups are full of secret-key bytes too, so the key-id masks are worked out only in
;; a block where 4 such groups in a row end (in text, a block in many thousands).
(module
  (import "env" "memory" (memory 1))
  ;; How many bytes before `g` (at most 4, never before `first`) have the flag.
  (func $before (param $g i32) (param $first i32) (param $flag i32) (result i32)
    (local $k i32)
    (block $stop
      (loop $back
        (br_if $stop (i32.ge_u (local.get $k) (i32.const 4)))
        (br_if $stop (i32.le_u (i32.sub (local.get $g) (local.get $k)) (local.get $first)))
        (br_if $stop (i32.eqz (i32.and (i32.load8_u offset=64 (i32.load8_u (i32.sub (i32.sub (local.get $g) (local.get $k)) (i32.const 1))))
                                       (local.get $flag))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $back)))
    (local.get $k))
  ;; Where the bytes with the flag from `e` on stop, looking no further than `to` and `filled`.
  (func $after (param $e i32) (param $to i32) (param $filled i32) (param $flag i32) (result i32)
    (if (i32.gt_u (local.get $to) (local.get $filled)) (then (local.set $to (local.get $filled))))
    (block $stop
      (loop $on
        (br_if $stop (i32.ge_u (local.get $e) (local.get $to)))
        (br_if $stop (i32.eqz (i32.and (i32.load8_u offset=64 (i32.load8_u (local.get $e))) (local.get $flag))))
        (local.set $e (i32.add (local.get $e) (i32.const 1)))
        (br $on)))
    (local.get $e))
  ;; Writes the starts in [from, limit) of key ids to `keyOut` and of long runs to `longOut` (32-bit
  ;; each, in order; the caller gives room for as many as can fit in [first, filled)); a run is
  ;; bounded by `first` and `filled`. Returns how many key ids; the count of long runs goes to [32].
  (func (export "runs")
    (param $first i32) (param $from i32) (param $limit i32) (param $filled i32) (param $keyOut i32) (param $longOut i32)
    (result i32)
    (local $p i32) (local $end i32) (local $g i32) (local $s i32) (local $k i32) (local $j i32) (local $nk i32) (local $nl i32)
    (local $loT v128) (local $hiT v128) (local $nibble v128) (local $keyBits v128) (local $zero v128) (local $v v128)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128)
    (local $save0 v128) (local $save1 v128) (local $save2 v128) (local $save3 v128)
    ;; per block: full groups, windows found; carried over: the last groups and windows of the block before
    (local $s4 i32) (local $k4 i32) (local $bits i32) (local $r i32) (local $longs i32) (local $keys i32)
    (local $sGroups i32) (local $kGroups i32) (local $kStale i32) (local $sWindow i32) (local $kWindow i32)
    (local.set $loT (v128.load (i32.const 0)))
    (local.set $hiT (v128.load (i32.const 16)))
    (local.set $nibble (v128.const i8x16 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15))
    (local.set $keyBits (v128.const i8x16 240 240 240 240 240 240 240 240 240 240 240 240 240 240 240 240))
    ;; the 64 bytes after `filled` read as zeros (of no class) while searching
    (local.set $save0 (v128.load offset=0 (local.get $filled)))
    (local.set $save1 (v128.load offset=16 (local.get $filled)))
    (local.set $save2 (v128.load offset=32 (local.get $filled)))
    (local.set $save3 (v128.load offset=48 (local.get $filled)))
    (v128.store offset=0 (local.get $filled) (local.get $zero))
    (v128.store offset=16 (local.get $filled) (local.get $zero))
    (v128.store offset=32 (local.get $filled) (local.get $zero))
    (v128.store offset=48 (local.get $filled) (local.get $zero))
    ;; a run that starts before `limit` has its first window's last group before limit + 24
    (local.set $p (i32.and (local.get $from) (i32.const -64)))
    (local.set $end (i32.add (local.get $limit) (i32.const 24)))
    (if (i32.gt_u (local.get $end) (local.get $filled)) (then (local.set $end (local.get $filled))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $v (v128.load offset=0 (local.get $p)))
        (local.set $x0 (v128.and
          (i8x16.swizzle (local.get $loT) (v128.and (local.get $v) (local.get $nibble)))
          (i8x16.swizzle (local.get $hiT) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $nibble)))))
        (local.set $v (v128.load offset=16 (local.get $p)))
        (local.set $x1 (v128.and
          (i8x16.swizzle (local.get $loT) (v128.and (local.get $v) (local.get $nibble)))
          (i8x16.swizzle (local.get $hiT) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $nibble)))))
        (local.set $v (v128.load offset=32 (local.get $p)))
        (local.set $x2 (v128.and
          (i8x16.swizzle (local.get $loT) (v128.and (local.get $v) (local.get $nibble)))
          (i8x16.swizzle (local.get $hiT) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $nibble)))))
        (local.set $v (v128.load offset=48 (local.get $p)))
        (local.set $x3 (v128.and
          (i8x16.swizzle (local.get $loT) (v128.and (local.get $v) (local.get $nibble)))
          (i8x16.swizzle (local.get $hiT) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $nibble)))))
        ;; bit i: the 4 bytes at p + 4i are all secret-key bytes
        (local.set $s4 (i8x16.bitmask (i8x16.eq
          (i8x16.narrow_i16x8_s
            (i8x16.narrow_i16x8_s (i8x16.eq (local.get $x0) (local.get $zero)) (i8x16.eq (local.get $x1) (local.get $zero)))
            (i8x16.narrow_i16x8_s (i8x16.eq (local.get $x2) (local.get $zero)) (i8x16.eq (local.get $x3) (local.get $zero))))
          (local.get $zero))))
        ;; bit j of $longs: the 6 groups ending with group j of this block are full (the 5 groups
        ;; before the block come from the last one)
        (local.set $bits (i32.or (i32.shl (local.get $s4) (i32.const 5)) (local.get $sGroups)))
        (local.set $sGroups (i32.shr_u (local.get $s4) (i32.const 11)))
        (local.set $r (i32.and (local.get $bits) (i32.shr_u (local.get $bits) (i32.const 1))))
        (local.set $r (i32.and (local.get $r) (i32.shr_u (local.get $r) (i32.const 2))))
        (local.set $longs (i32.and (i32.and (i32.and (local.get $r) (i32.shr_u (local.get $bits) (i32.const 4))) (i32.shr_u (local.get $bits) (i32.const 5)))
                                   (i32.const 0xffff)))
        ;; Key-id bytes are secret-key bytes: only where 4 full groups in a row (bit j + 2 of $r)
        ;; end in this block are the key-id groups worked out (in text, hardly ever)
        (if (i32.and (i32.shr_u (local.get $r) (i32.const 2)) (i32.const 0xffff))
          (then
            (if (local.get $kStale)
              (then
                ;; the last block's were not: its last 3 groups, from its last 16 bytes again
                (local.set $v (v128.load (i32.sub (local.get $p) (i32.const 16))))
                (local.set $v (i8x16.eq (v128.and (v128.and
                  (i8x16.swizzle (local.get $loT) (v128.and (local.get $v) (local.get $nibble)))
                  (i8x16.swizzle (local.get $hiT) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $nibble))))
                  (local.get $keyBits)) (local.get $zero)))
                (local.set $v (i8x16.narrow_i16x8_s (local.get $v) (local.get $v)))
                (local.set $kGroups (i32.and (i32.shr_u (i8x16.bitmask (i8x16.eq (i8x16.narrow_i16x8_s (local.get $v) (local.get $v)) (local.get $zero)))
                                                        (i32.const 1))
                                             (i32.const 7)))))
            ;; bit i: the 4 bytes at p + 4i are all key-id bytes
            (local.set $k4 (i8x16.bitmask (i8x16.eq
              (i8x16.narrow_i16x8_s
                (i8x16.narrow_i16x8_s (i8x16.eq (v128.and (local.get $x0) (local.get $keyBits)) (local.get $zero))
                                      (i8x16.eq (v128.and (local.get $x1) (local.get $keyBits)) (local.get $zero)))
                (i8x16.narrow_i16x8_s (i8x16.eq (v128.and (local.get $x2) (local.get $keyBits)) (local.get $zero))
                                      (i8x16.eq (v128.and (local.get $x3) (local.get $keyBits)) (local.get $zero))))
              (local.get $zero))))
            (local.set $kStale (i32.const 0))
            ;; bit j of $keys: the 4 groups ending with group j are full of key-id bytes
            (local.set $bits (i32.or (i32.shl (local.get $k4) (i32.const 3)) (local.get $kGroups)))
            (local.set $kGroups (i32.shr_u (local.get $k4) (i32.const 13)))
            (local.set $r (i32.and (local.get $bits) (i32.shr_u (local.get $bits) (i32.const 1))))
            (local.set $keys (i32.and (i32.and (local.get $r) (i32.shr_u (local.get $r) (i32.const 2))) (i32.const 0xffff))))
          (else
            ;; no key id ends here (its window would be full of secret-key bytes); $kGroups is not known
            (local.set $keys (i32.const 0))
            (local.set $kStale (i32.const 1))))
        ;; only the first window of a run: the one a group earlier (bit j - 1) is not full
        (local.set $bits (local.get $longs))
        (local.set $longs (i32.and (local.get $longs)
                                   (i32.xor (i32.or (i32.shl (local.get $longs) (i32.const 1)) (local.get $sWindow)) (i32.const -1))))
        (local.set $sWindow (i32.shr_u (local.get $bits) (i32.const 15)))
        (local.set $bits (local.get $keys))
        (local.set $keys (i32.and (local.get $keys)
                                  (i32.xor (i32.or (i32.shl (local.get $keys) (i32.const 1)) (local.get $kWindow)) (i32.const -1))))
        (local.set $kWindow (i32.shr_u (local.get $bits) (i32.const 15)))
        (if (i32.or (local.get $keys) (local.get $longs))
          (then
            (block $longsDone
              (loop $long
                (br_if $longsDone (i32.eqz (local.get $longs)))
                (local.set $j (i32.ctz (local.get $longs)))
                (local.set $longs (i32.and (local.get $longs) (i32.sub (local.get $longs) (i32.const 1))))
                ;; the window's first group; its run starts at most 3 bytes before it (the window
                ;; before is not full), or 4 when that window lies before `from` (then so does the run)
                (local.set $g (i32.add (local.get $p) (i32.sub (i32.shl (local.get $j) (i32.const 2)) (i32.const 20))))
                (local.set $k (call $before (local.get $g) (local.get $first) (i32.const 2)))
                (local.set $s (i32.sub (local.get $g) (local.get $k)))
                (if (i32.and (i32.lt_u (local.get $k) (i32.const 4))
                      (i32.and (i32.ge_u (local.get $s) (local.get $from)) (i32.lt_u (local.get $s) (local.get $limit))))
                  (then
                    ;; [s, g + 24) are secret-key bytes: is the run 27 long?
                    (if (i32.eq (call $after (i32.add (local.get $g) (i32.const 24)) (i32.add (local.get $s) (i32.const 27)) (local.get $filled) (i32.const 2))
                                (i32.add (local.get $s) (i32.const 27)))
                      (then
                        (i32.store (i32.add (local.get $longOut) (i32.shl (local.get $nl) (i32.const 2))) (local.get $s))
                        (local.set $nl (i32.add (local.get $nl) (i32.const 1)))))))
                (br $long)))
            (block $keysDone
              (loop $key
                (br_if $keysDone (i32.eqz (local.get $keys)))
                (local.set $j (i32.ctz (local.get $keys)))
                (local.set $keys (i32.and (local.get $keys) (i32.sub (local.get $keys) (i32.const 1))))
                (local.set $g (i32.add (local.get $p) (i32.sub (i32.shl (local.get $j) (i32.const 2)) (i32.const 12))))
                (local.set $k (call $before (local.get $g) (local.get $first) (i32.const 1)))
                (local.set $s (i32.sub (local.get $g) (local.get $k)))
                (if (i32.and (i32.lt_u (local.get $k) (i32.const 4))
                      (i32.and (i32.ge_u (local.get $s) (local.get $from)) (i32.lt_u (local.get $s) (local.get $limit))))
                  (then
                    ;; [s, g + 16) are key-id bytes: is the run exactly 20 long?
                    (if (i32.eq (call $after (i32.add (local.get $g) (i32.const 16)) (i32.add (local.get $s) (i32.const 21)) (local.get $filled) (i32.const 1))
                                (i32.add (local.get $s) (i32.const 20)))
                      (then
                        (i32.store (i32.add (local.get $keyOut) (i32.shl (local.get $nk) (i32.const 2))) (local.get $s))
                        (local.set $nk (i32.add (local.get $nk) (i32.const 1)))))))
                (br $key)))))
        (local.set $p (i32.add (local.get $p) (i32.const 64)))
        (br $next)))
    (v128.store offset=0 (local.get $filled) (local.get $save0))
    (v128.store offset=16 (local.get $filled) (local.get $save1))
    (v128.store offset=32 (local.get $filled) (local.get $save2))
    (v128.store offset=48 (local.get $filled) (local.get $save3))
    (i32.store (i32.const 32) (local.get $nl))
    (local.get $nk)))
