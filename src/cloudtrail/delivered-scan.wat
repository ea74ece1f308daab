;; The scan of one part of a delivered CloudTrail file (delivered-file.ts scanDeliveredPart) over
;; its bytes: where each record starts and ends, where its `"eventTime"`, `"eventName"`,
;; `"awsRegion"` (the first after eventName), `"recipientAccountId"` and `"eventID"` (the last
;; ones) keys are, where their plain values end, and which text patterns (`"key" \s* : \s* "value"`)
;; occur in it. delivered-scan.ts says why it is WebAssembly and checks what this gives against
;; the TypeScript scan; scripts/build-wasm.mjs rebuilds the bytes embedded there.
;;
;; Memory (imported): [256, 496) the patterns, 20 bytes each (where the key's bytes are, how many,
;; where the value's are, how many, the mark's bit); [0, 256) a flag per byte value: a pattern's
;; key starts with a quote and this byte; [512, 736) the keys below; the part's bytes at `text`,
;; followed by 64 zero bytes; 13 columns of `cap` 32-bit numbers at `out`, one number per record.
;;
;; Every key looked for starts with a quote: 16 bytes at a time, with SIMD, the quotes followed
;; by a byte a key can start with are found (a few per record, against a quote every 8 bytes or
;; so), and only those are looked at. A key is compared 8 bytes at a time.
(module
  (import "env" "memory" (memory 1))
  (data (i32.const 512) "\22eventVersion\22:\22")      ;; 512, 16 bytes: a record's start, after its `{`
  (data (i32.const 528) "\22eventTime\22:\22")         ;; 528, 13
  (data (i32.const 544) "\22eventName\22:\22")         ;; 544, 13
  (data (i32.const 560) "\22awsRegion\22:\22")         ;; 560, 13
  (data (i32.const 576) "\22recipientAccountId\22:\22") ;; 576, 22
  (data (i32.const 608) "\22eventID\22:\22")           ;; 608, 11
  (data (i32.const 624) "\22,\22eventSource\22:\22")   ;; 624, 17
  (data (i32.const 644) "\00")                         ;; 644, 1: between the parts of an event key
  (data (i32.const 648) "\22,\22userIdentity\22:")     ;; 648, 17 (light-records.ts)
  (data (i32.const 672) "\22,\22sourceIPAddress\22:\22") ;; 672, 21
  (data (i32.const 696) "\22,\22userAgent\22:\22")     ;; 696, 15
  (data (i32.const 720) "\22eventType\22:\22")         ;; 720, 13

  ;; Whether the `len` bytes at `a` are those at `b` (8 at a time, then one by one).
  (func $eq (param $a i32) (param $b i32) (param $len i32) (result i32)
    (local $i i32)
    (block $bytes
      (loop $words
        (br_if $bytes (i32.gt_u (i32.add (local.get $i) (i32.const 8)) (local.get $len)))
        (if (i64.ne (i64.load (i32.add (local.get $a) (local.get $i))) (i64.load (i32.add (local.get $b) (local.get $i))))
          (then (return (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $words)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (if (i32.ne (i32.load8_u (i32.add (local.get $a) (local.get $i))) (i32.load8_u (i32.add (local.get $b) (local.get $i))))
          (then (return (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))
    (i32.const 1))

  ;; Past the white space at `j` (what `\s` matches in ASCII: tab to carriage return, and space).
  (func $space (param $j i32) (result i32)
    (local $c i32)
    (block $done
      (loop $each
        (local.set $c (i32.load8_u (local.get $j)))
        (br_if $done (i32.eqz (i32.or (i32.eq (local.get $c) (i32.const 0x20))
                                      (i32.lt_u (i32.sub (local.get $c) (i32.const 9)) (i32.const 5)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $each)))
    (local.get $j))

  ;; The first byte at or after `p` that is `a` or `b`, 16 at a time: `limit` or more when there is
  ;; none before `limit` (it may read up to 15 bytes past `limit`).
  (func $firstOf (param $p i32) (param $limit i32) (param $a i32) (param $b i32) (result i32)
    (local $m i32) (local $va v128) (local $vb v128) (local $v v128)
    (local.set $va (i8x16.splat (local.get $a)))
    (local.set $vb (i8x16.splat (local.get $b)))
    (block $none
      (loop $blocks
        (br_if $none (i32.ge_u (local.get $p) (local.get $limit)))
        (local.set $v (v128.load (local.get $p)))
        (local.set $m (i8x16.bitmask (v128.or (i8x16.eq (local.get $v) (local.get $va)) (i8x16.eq (local.get $v) (local.get $vb)))))
        (if (local.get $m) (then (return (i32.add (local.get $p) (i32.ctz (local.get $m))))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $blocks)))
    (local.get $limit))

  ;; The closing quote of the string value at `from`, or -1 when a backslash comes first or it is
  ;; not before `limit` (delivered-file.ts plainEnd).
  (func $plainEnd (param $from i32) (param $limit i32) (result i32)
    (local $at i32)
    (local.set $at (call $firstOf (local.get $from) (local.get $limit) (i32.const 0x22) (i32.const 0x5c)))
    (if (result i32) (i32.or (i32.ge_u (local.get $at) (local.get $limit)) (i32.eq (i32.load8_u (local.get $at)) (i32.const 0x5c)))
      (then (i32.const -1))
      (else (local.get $at))))

  ;; Where the value of the key at `key` (relative to `text`, -1 for none) starts, the key being `len` bytes with its `:"`; -1 for none.
  (func $valueAt (param $key i32) (param $text i32) (param $len i32) (result i32)
    (if (result i32) (i32.lt_s (local.get $key) (i32.const 0))
      (then (i32.const -1))
      (else (i32.add (i32.add (local.get $text) (local.get $key)) (local.get $len)))))

  ;; A position relative to `text`, -1 staying -1.
  (func $relative (param $at i32) (param $text i32) (result i32)
    (if (result i32) (i32.lt_s (local.get $at) (i32.const 0)) (then (i32.const -1)) (else (i32.sub (local.get $at) (local.get $text)))))

  ;; The two lanes of cyrb53 (event-key.ts hash53), fed byte by byte.
  (global $h1 (mut i32) (i32.const 0))
  (global $h2 (mut i32) (i32.const 0))
  (func $feed (param $from i32) (param $to i32)
    (local $c i32)
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $from) (local.get $to)))
        (local.set $c (i32.load8_u (local.get $from)))
        (global.set $h1 (i32.mul (i32.xor (global.get $h1) (local.get $c)) (i32.const 2654435761)))
        (global.set $h2 (i32.mul (i32.xor (global.get $h2) (local.get $c)) (i32.const 1597334677)))
        (local.set $from (i32.add (local.get $from) (i32.const 1)))
        (br $each))))

  ;; The light spans of the record (light-records.ts lightSpans, with checkAgent false) in columns
  ;; 16 (the end of its eventVersion value; -1: not in that shape), 17 (its address's closing
  ;; quote), 18 (the first quote after its user agent's start) and 19 (1 when no backslash comes
  ;; before that quote). `id` is its eventID key (absolute), `t` its eventTime key.
  (func $light (param $col i32) (param $stride i32) (param $start i32) (param $stop i32) (param $t i32)
    (param $regEnd i32) (param $accEnd i32) (param $idEnd i32) (param $id i32) (param $text i32)
    (local $v i32) (local $ip i32) (local $agent i32) (local $plain i32) (local $p i32)
    (i32.store (i32.add (local.get $col) (i32.mul (local.get $stride) (i32.const 16))) (i32.const -1))
    ;; a region and an account read, an eventID read
    (br_if 0 (i32.or (i32.lt_s (local.get $regEnd) (i32.const 0)) (i32.lt_s (local.get $accEnd) (i32.const 0))))
    (br_if 0 (i32.lt_s (local.get $idEnd) (i32.const 0)))
    ;; `{"eventVersion":"` plain value `","userIdentity":` ... `,"eventTime"`
    (local.set $v (call $plainEnd (i32.add (local.get $start) (i32.const 17)) (local.get $stop)))
    (br_if 0 (i32.lt_s (local.get $v) (i32.const 0)))
    (br_if 0 (i32.eqz (call $eq (local.get $v) (i32.const 648) (i32.const 17))))
    (br_if 0 (i32.ne (i32.load8_u (i32.sub (local.get $t) (i32.const 1))) (i32.const 0x2c)))
    ;; `","sourceIPAddress":"` right after the region, a plain value, `","userAgent":"`
    (br_if 0 (i32.eqz (call $eq (local.get $regEnd) (i32.const 672) (i32.const 21))))
    (local.set $ip (call $plainEnd (i32.add (local.get $regEnd) (i32.const 21)) (local.get $stop)))
    (br_if 0 (i32.lt_s (local.get $ip) (i32.const 0)))
    (br_if 0 (i32.eqz (call $eq (local.get $ip) (i32.const 696) (i32.const 15))))
    ;; the user agent: up to its first quote, before the record's end; plain when no backslash comes first
    (local.set $agent (call $firstOf (i32.add (local.get $ip) (i32.const 15)) (local.get $stop) (i32.const 0x22) (i32.const 0x5c)))
    (local.set $plain (i32.const 1))
    (if (i32.and (i32.lt_u (local.get $agent) (local.get $stop)) (i32.eq (i32.load8_u (local.get $agent)) (i32.const 0x5c)))
      (then
        (local.set $plain (i32.const 0))
        (local.set $agent (call $firstOf (local.get $agent) (local.get $stop) (i32.const 0x22) (i32.const 0x22)))))
    (br_if 0 (i32.ge_u (local.get $agent) (local.get $stop)))
    ;; `"eventType":"` after the record's eventID key, before its end
    (local.set $p (local.get $id))
    (block $typed
      (loop $each
        (local.set $p (call $firstOf (local.get $p) (local.get $stop) (i32.const 0x22) (i32.const 0x22)))
        (br_if 2 (i32.gt_u (i32.add (local.get $p) (i32.const 13)) (local.get $stop)))
        (br_if $typed (call $eq (local.get $p) (i32.const 720) (i32.const 13)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $each)))
    (i32.store (i32.add (local.get $col) (i32.mul (local.get $stride) (i32.const 16))) (i32.sub (local.get $v) (local.get $text)))
    (i32.store (i32.add (local.get $col) (i32.mul (local.get $stride) (i32.const 17))) (i32.sub (local.get $ip) (local.get $text)))
    (i32.store (i32.add (local.get $col) (i32.mul (local.get $stride) (i32.const 18))) (i32.sub (local.get $agent) (local.get $text)))
    (i32.store (i32.add (local.get $col) (i32.mul (local.get $stride) (i32.const 19))) (local.get $plain)))

  ;; A new record's columns: its start, no keys found yet, no mark.
  (func $open (param $col i32) (param $stride i32) (param $start i32)
    (i32.store (local.get $col) (local.get $start))
    (i32.store (i32.add (local.get $col) (local.get $stride)) (i32.const -1))
    (i32.store (i32.add (local.get $col) (i32.mul (local.get $stride) (i32.const 2))) (i32.const -1))
    (i32.store (i32.add (local.get $col) (i32.mul (local.get $stride) (i32.const 3))) (i32.const -1))
    (i32.store (i32.add (local.get $col) (i32.mul (local.get $stride) (i32.const 4))) (i32.const -1))
    (i32.store (i32.add (local.get $col) (i32.mul (local.get $stride) (i32.const 5))) (i32.const -1))
    (i32.store (i32.add (local.get $col) (i32.mul (local.get $stride) (i32.const 6))) (i32.const 0)))

  ;; The part's `n` bytes are at `text`; its first record starts at `text + head` (checked by the
  ;; caller) and its last ends at `text + end`. Writes, per record, in columns of `cap` numbers at
  ;; `out` (positions relative to `text`, -1 for none): 0 its start, 1 its eventTime key, 2 its
  ;; eventName key, 3 its awsRegion key, 4 its recipientAccountId key, 5 its eventID key, 6 its
  ;; marks (the OR of the bits of the patterns found in it), 7 its end (after its `}`), then the
  ;; closing quotes of the plain values of 8 eventTime, 9 eventName, 10 awsRegion,
  ;; 11 recipientAccountId, 12 eventID and 13 eventSource (when written where CloudTrail writes it,
  ;; between eventTime and eventName). Returns how many records; -1 when the part is not as
  ;; delivered-file.ts expects (the caller reads the file another way); -2 when more than `cap`
  ;; records start. `c1` to `c4`: the bytes the patterns' keys start with after their quote.
  (func (export "scan")
    (param $text i32) (param $n i32) (param $head i32) (param $end i32) (param $cap i32) (param $npat i32) (param $out i32)
    (param $c1 i32) (param $c2 i32) (param $c3 i32) (param $c4 i32)
    (result i32)
    (local $i i32) (local $m i32) (local $q i32) (local $c i32) (local $rec i32) (local $col i32) (local $stride i32)
    (local $p i32) (local $pt i32) (local $j i32) (local $limit i32) (local $w i64)
    (local $quote v128) (local $e v128) (local $a v128) (local $r v128) (local $k1 v128) (local $k2 v128) (local $k3 v128) (local $k4 v128)
    (local $v1 v128)
    (local $start i32) (local $stop i32) (local $t i32) (local $nk i32) (local $x i32) (local $timeEnd i32)
    (local $regAt i32) (local $regEnd i32) (local $accAt i32) (local $accEnd i32) (local $idAt i32) (local $idEnd i32)
    (local.set $stride (i32.shl (local.get $cap) (i32.const 2)))
    (local.set $quote (i8x16.splat (i32.const 0x22)))
    (local.set $e (i8x16.splat (i32.const 0x65)))
    (local.set $a (i8x16.splat (i32.const 0x61)))
    (local.set $r (i8x16.splat (i32.const 0x72)))
    (local.set $k1 (i8x16.splat (local.get $c1)))
    (local.set $k2 (i8x16.splat (local.get $c2)))
    (local.set $k3 (i8x16.splat (local.get $c3)))
    (local.set $k4 (i8x16.splat (local.get $c4)))
    (local.set $col (local.get $out))
    (call $open (local.get $col) (local.get $stride) (local.get $head))
    (local.set $limit (i32.add (local.get $text) (local.get $n)))
    ;; The scan starts at the first record's quote, as the TypeScript scan's search does at its `{`.
    (local.set $i (i32.add (local.get $text) (i32.add (local.get $head) (i32.const 1))))
    (block $refused
     (block $scanned
      (loop $blocks
        (br_if $scanned (i32.ge_u (local.get $i) (local.get $limit)))
        (local.set $v1 (v128.load offset=1 (local.get $i)))
        (local.set $m (i8x16.bitmask (v128.and
          (i8x16.eq (v128.load (local.get $i)) (local.get $quote))
          (v128.or
            (v128.or (v128.or (i8x16.eq (local.get $v1) (local.get $e)) (i8x16.eq (local.get $v1) (local.get $a)))
                     (v128.or (i8x16.eq (local.get $v1) (local.get $r)) (i8x16.eq (local.get $v1) (local.get $k1))))
            (v128.or (i8x16.eq (local.get $v1) (local.get $k2))
                     (v128.or (i8x16.eq (local.get $v1) (local.get $k3)) (i8x16.eq (local.get $v1) (local.get $k4))))))))
        (block $none
          (loop $quotes
            (br_if $none (i32.eqz (local.get $m)))
            (local.set $q (i32.add (local.get $i) (i32.ctz (local.get $m))))
            (local.set $m (i32.and (local.get $m) (i32.sub (local.get $m) (i32.const 1))))
            (br_if $none (i32.ge_u (local.get $q) (local.get $limit)))
            (local.set $c (i32.load8_u offset=1 (local.get $q)))
            (local.set $w (i64.load (local.get $q)))
            (if (i32.eq (local.get $c) (i32.const 0x65)) ;; e
              (then
                (block $key
                  ;; `"eventTime"`: one per record
                  (if (i64.eq (local.get $w) (i64.load (i32.const 528)))
                    (then
                      (if (i32.and (i32.eq (i32.load8_u offset=8 (local.get $q)) (i32.const 0x6d))
                                   (i32.eq (i32.load16_u offset=9 (local.get $q)) (i32.const 0x2265)))
                        (then
                          (br_if $refused (i32.ne (i32.load (i32.add (local.get $col) (local.get $stride))) (i32.const -1)))
                          (i32.store (i32.add (local.get $col) (local.get $stride)) (i32.sub (local.get $q) (local.get $text)))))
                      (br $key)))
                  ;; `"eventName"`: one per record
                  (if (i64.eq (local.get $w) (i64.load (i32.const 544)))
                    (then
                      (if (i32.and (i32.eq (i32.load8_u offset=8 (local.get $q)) (i32.const 0x6d))
                                   (i32.eq (i32.load16_u offset=9 (local.get $q)) (i32.const 0x2265)))
                        (then
                          (br_if $refused (i32.ne (i32.load (i32.add (local.get $col) (i32.shl (local.get $stride) (i32.const 1)))) (i32.const -1)))
                          (i32.store (i32.add (local.get $col) (i32.shl (local.get $stride) (i32.const 1))) (i32.sub (local.get $q) (local.get $text)))))
                      (br $key)))
                  ;; `"eventID":"`: the last one in the record
                  (if (i64.eq (local.get $w) (i64.load (i32.const 608)))
                    (then
                      (if (i32.eq (i32.load offset=7 (local.get $q)) (i32.load (i32.const 615)))
                        (then (i32.store (i32.add (local.get $col) (i32.mul (local.get $stride) (i32.const 5))) (i32.sub (local.get $q) (local.get $text)))))
                      (br $key)))
                  ;; `{"eventVersion":"` past the first record's: a record starts, only after `},` and before the end
                  (if (i32.and (i32.and (i64.eq (local.get $w) (i64.load (i32.const 512)))
                                        (i64.eq (i64.load offset=8 (local.get $q)) (i64.load (i32.const 520))))
                               (i32.and (i32.eq (i32.load8_u (i32.sub (local.get $q) (i32.const 1))) (i32.const 0x7b))
                                        (i32.ne (i32.sub (local.get $q) (i32.const 1)) (i32.add (local.get $text) (local.get $head)))))
                    (then
                      (br_if $refused (i32.ge_u (i32.sub (local.get $q) (i32.const 1)) (i32.add (local.get $text) (local.get $end))))
                      (br_if $refused (i32.ne (i32.load16_u (i32.sub (local.get $q) (i32.const 3))) (i32.const 0x2c7d)))
                      (local.set $rec (i32.add (local.get $rec) (i32.const 1)))
                      (if (i32.ge_u (local.get $rec) (local.get $cap)) (then (return (i32.const -2))))
                      (local.set $col (i32.add (local.get $col) (i32.const 4)))
                      (call $open (local.get $col) (local.get $stride) (i32.sub (i32.sub (local.get $q) (i32.const 1)) (local.get $text))))))))
            (if (i32.eq (local.get $c) (i32.const 0x61)) ;; a
              (then
                ;; `"awsRegion":"`: the first after the record's eventName
                (if (i32.and (i32.and (i64.eq (local.get $w) (i64.load (i32.const 560)))
                                      (i64.eq (i64.load offset=5 (local.get $q)) (i64.load (i32.const 565))))
                             (i32.and (i32.ne (i32.load (i32.add (local.get $col) (i32.shl (local.get $stride) (i32.const 1)))) (i32.const -1))
                                      (i32.eq (i32.load (i32.add (local.get $col) (i32.mul (local.get $stride) (i32.const 3)))) (i32.const -1))))
                  (then (i32.store (i32.add (local.get $col) (i32.mul (local.get $stride) (i32.const 3))) (i32.sub (local.get $q) (local.get $text)))))))
            (if (i32.eq (local.get $c) (i32.const 0x72)) ;; r
              (then
                ;; `"recipientAccountId":"`: the last one in the record
                (if (i32.and (i64.eq (local.get $w) (i64.load (i32.const 576)))
                             (i32.and (i64.eq (i64.load offset=8 (local.get $q)) (i64.load (i32.const 584)))
                                      (i64.eq (i64.load offset=14 (local.get $q)) (i64.load (i32.const 590)))))
                  (then (i32.store (i32.add (local.get $col) (i32.shl (local.get $stride) (i32.const 2))) (i32.sub (local.get $q) (local.get $text)))))))
            ;; the patterns whose key starts here: key, white space, colon, white space, value
            (if (i32.load8_u (local.get $c))
              (then
                (local.set $p (i32.const 0))
                (block $tried
                  (loop $pattern
                    (br_if $tried (i32.ge_u (local.get $p) (local.get $npat)))
                    (local.set $pt (i32.add (i32.const 256) (i32.mul (local.get $p) (i32.const 20))))
                    (local.set $p (i32.add (local.get $p) (i32.const 1)))
                    (br_if $pattern (i32.eqz (call $eq (local.get $q) (i32.load (local.get $pt)) (i32.load offset=4 (local.get $pt)))))
                    (local.set $j (call $space (i32.add (local.get $q) (i32.load offset=4 (local.get $pt)))))
                    (br_if $pattern (i32.ne (i32.load8_u (local.get $j)) (i32.const 0x3a)))
                    (local.set $j (call $space (i32.add (local.get $j) (i32.const 1))))
                    (br_if $pattern (i32.eqz (call $eq (local.get $j) (i32.load offset=8 (local.get $pt)) (i32.load offset=12 (local.get $pt)))))
                    (i32.store (i32.add (local.get $col) (i32.mul (local.get $stride) (i32.const 6)))
                      (i32.or (i32.load (i32.add (local.get $col) (i32.mul (local.get $stride) (i32.const 6)))) (i32.load offset=16 (local.get $pt))))
                    (br $pattern)))))
            (br $quotes)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $blocks)))
      ;; Every record: its end, its keys as expected, its values' ends.
      (local.set $x (i32.const 0))
      (local.set $col (local.get $out))
      (block $checked
        (loop $record
          (br_if $checked (i32.gt_u (local.get $x) (local.get $rec)))
          (local.set $start (i32.add (local.get $text) (i32.load (local.get $col))))
          (local.set $stop (if (result i32) (i32.lt_u (local.get $x) (local.get $rec))
            (then (i32.sub (i32.add (local.get $text) (i32.load offset=4 (local.get $col))) (i32.const 1)))
            (else (i32.add (local.get $text) (local.get $end)))))
          (br_if $refused (i32.ne (i32.load8_u (i32.sub (local.get $stop) (i32.const 1))) (i32.const 0x7d)))
          (local.set $t (i32.load (i32.add (local.get $col) (local.get $stride))))
          (local.set $nk (i32.load (i32.add (local.get $col) (i32.shl (local.get $stride) (i32.const 1)))))
          (br_if $refused (i32.or (i32.lt_s (local.get $t) (i32.const 0)) (i32.lt_s (local.get $nk) (i32.const 0))))
          (local.set $t (i32.add (local.get $text) (local.get $t)))
          (local.set $nk (i32.add (local.get $text) (local.get $nk)))
          (br_if $refused (i32.eqz (call $eq (local.get $t) (i32.const 528) (i32.const 13))))
          (br_if $refused (i32.eqz (call $eq (local.get $nk) (i32.const 544) (i32.const 13))))
          (i32.store (i32.add (local.get $col) (i32.mul (local.get $stride) (i32.const 7))) (i32.sub (local.get $stop) (local.get $text)))
          (local.set $timeEnd (call $plainEnd (i32.add (local.get $t) (i32.const 13)) (local.get $stop)))
          (br_if $refused (i32.lt_s (local.get $timeEnd) (i32.const 0)))
          (i32.store (i32.add (local.get $col) (i32.mul (local.get $stride) (i32.const 8))) (i32.sub (local.get $timeEnd) (local.get $text)))
          (local.set $j (call $plainEnd (i32.add (local.get $nk) (i32.const 13)) (local.get $stop)))
          (br_if $refused (i32.lt_s (local.get $j) (i32.const 0)))
          (i32.store (i32.add (local.get $col) (i32.mul (local.get $stride) (i32.const 9))) (i32.sub (local.get $j) (local.get $text)))
          ;; region, account, id: their values' starts and closing quotes (-1 when absent or not plain)
          (local.set $regAt (call $valueAt (i32.load (i32.add (local.get $col) (i32.mul (local.get $stride) (i32.const 3)))) (local.get $text) (i32.const 13)))
          (local.set $regEnd (call $plainEnd (local.get $regAt) (local.get $stop)))
          (i32.store (i32.add (local.get $col) (i32.mul (local.get $stride) (i32.const 10))) (call $relative (local.get $regEnd) (local.get $text)))
          (local.set $accAt (call $valueAt (i32.load (i32.add (local.get $col) (i32.mul (local.get $stride) (i32.const 4)))) (local.get $text) (i32.const 22)))
          (local.set $accEnd (call $plainEnd (local.get $accAt) (local.get $stop)))
          (i32.store (i32.add (local.get $col) (i32.mul (local.get $stride) (i32.const 11))) (call $relative (local.get $accEnd) (local.get $text)))
          (local.set $idAt (call $valueAt (i32.load (i32.add (local.get $col) (i32.mul (local.get $stride) (i32.const 5)))) (local.get $text) (i32.const 11)))
          (local.set $idEnd (call $plainEnd (local.get $idAt) (local.get $stop)))
          (i32.store (i32.add (local.get $col) (i32.mul (local.get $stride) (i32.const 12))) (call $relative (local.get $idEnd) (local.get $text)))
          ;; the event key's hash (event-key.ts eventKey: cyrb53 of id NUL account NUL region), when all three are plain
          (i32.store (i32.add (local.get $col) (i32.mul (local.get $stride) (i32.const 15))) (i32.const -1))
          (if (i32.and (i32.ge_s (local.get $regEnd) (i32.const 0)) (i32.and (i32.ge_s (local.get $accEnd) (i32.const 0)) (i32.ge_s (local.get $idEnd) (i32.const 0))))
            (then
              (global.set $h1 (i32.const 0xdeadbeef))
              (global.set $h2 (i32.const 0x41c6ce57))
              (call $feed (local.get $idAt) (local.get $idEnd))
              (call $feed (i32.const 644) (i32.const 645))
              (call $feed (local.get $accAt) (local.get $accEnd))
              (call $feed (i32.const 644) (i32.const 645))
              (call $feed (local.get $regAt) (local.get $regEnd))
              (global.set $h1 (i32.mul (i32.xor (global.get $h1) (i32.shr_u (global.get $h1) (i32.const 16))) (i32.const 2246822507)))
              (global.set $h1 (i32.xor (global.get $h1) (i32.mul (i32.xor (global.get $h2) (i32.shr_u (global.get $h2) (i32.const 13))) (i32.const 3266489909))))
              (global.set $h2 (i32.mul (i32.xor (global.get $h2) (i32.shr_u (global.get $h2) (i32.const 16))) (i32.const 2246822507)))
              (global.set $h2 (i32.xor (global.get $h2) (i32.mul (i32.xor (global.get $h1) (i32.shr_u (global.get $h1) (i32.const 13))) (i32.const 3266489909))))
              (i32.store (i32.add (local.get $col) (i32.mul (local.get $stride) (i32.const 14))) (global.get $h1))
              (i32.store (i32.add (local.get $col) (i32.mul (local.get $stride) (i32.const 15))) (i32.and (global.get $h2) (i32.const 0x1fffff)))))
          ;; A record marked for a light read only (mark bit 2 alone): where its light fields are
          ;; (light-records.ts lightSpans), -1 when it is not in that shape; -2 for the others.
          (i32.store (i32.add (local.get $col) (i32.mul (local.get $stride) (i32.const 16))) (i32.const -2))
          (if (i32.eq (i32.load (i32.add (local.get $col) (i32.mul (local.get $stride) (i32.const 6)))) (i32.const 2))
            (then
              (call $light (local.get $col) (local.get $stride) (local.get $start) (local.get $stop) (local.get $t)
                (local.get $regEnd) (local.get $accEnd) (local.get $idEnd)
                (i32.add (local.get $text) (i32.load (i32.add (local.get $col) (i32.mul (local.get $stride) (i32.const 5))))) (local.get $text))))
          ;; eventSource: written between eventTime's value and the eventName key, as CloudTrail writes it
          (local.set $j (i32.const -1))
          (if (i32.and (i32.gt_u (local.get $nk) (i32.add (local.get $timeEnd) (i32.const 17)))
                       (i32.and (call $eq (local.get $timeEnd) (i32.const 624) (i32.const 17))
                                (i32.eq (i32.load16_u (i32.sub (local.get $nk) (i32.const 2))) (i32.const 0x2c22))))
            (then (local.set $j (call $plainEnd (i32.add (local.get $timeEnd) (i32.const 17)) (local.get $nk)))))
          (i32.store (i32.add (local.get $col) (i32.mul (local.get $stride) (i32.const 13)))
            (if (result i32) (i32.lt_s (local.get $j) (i32.const 0)) (then (i32.const -1)) (else (i32.sub (local.get $j) (local.get $text)))))
          (local.set $x (i32.add (local.get $x) (i32.const 1)))
          (local.set $col (i32.add (local.get $col) (i32.const 4)))
          (br $record)))
      (return (i32.add (local.get $rec) (i32.const 1))))
    ;; not in the expected form
    (i32.const -1))
)
