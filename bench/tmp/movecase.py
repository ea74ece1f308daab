import json, re, sys

def span_of_object(s, inside):
    """The [start, end) of the JSON object that encloses position `inside`."""
    depth = 0; i = inside; in_str = False
    # scan backwards naive: find the '{' whose matching '}' is after inside, by scanning forward from file start
    stack = []; pairs = {}
    i = 0
    while i < len(s):
        c = s[i]
        if in_str:
            if c == '\\': i += 2; continue
            if c == '"': in_str = False
        elif c == '"': in_str = True
        elif c in '{[': stack.append(i)
        elif c in '}]':
            o = stack.pop(); pairs[o] = i
        i += 1
    best = None
    for o, e in pairs.items():
        if s[o] == '{' and o < inside < e and (best is None or o > best[0]): best = (o, e + 1)
    return best, pairs

def move(path, name):
    s = open(path).read()
    at = s.index(json.dumps(name, ensure_ascii=False))
    (start, end), pairs = span_of_object(s, at)
    case = s[start:end]
    indent = s[s.rindex('\n', 0, start) + 1:start]
    # remove the case with one adjacent comma and whitespace
    before = s[:start].rstrip()
    after = s[end:]
    if before.endswith(','): s2 = before[:-1] + after
    else:
        m = re.match(r'\s*,\s*', after); s2 = s[:start] + after[m.end():] if m else s[:start] + after
    d = json.loads(s2)
    # append to "unknown", creating it after "pass"
    if '"unknown"' in s2[s2.index('"tests"'):]:
        k = s2.index('"unknown"', s2.index('"tests"')); o = s2.index('[', k)
        _, pairs = span_of_object(s2, o + 1); e = pairs[o]
        s3 = s2[:e].rstrip() + ',\n' + indent + case + '\n' + s2[s2.rindex('\n', 0, e) + 1:]
    else:
        k = s2.index('"pass"', s2.index('"tests"')); o = s2.index('[', k)
        _, pairs = span_of_object(s2, o + 1); e = pairs[o]
        key_indent = s2[s2.rindex('\n', 0, k) + 1:k]
        s3 = s2[:e + 1] + ',\n' + key_indent + '"unknown": [\n' + indent + case + '\n' + key_indent + ']' + s2[e + 1:]
    d2 = json.loads(s3)
    assert [c for c in d2['tests']['unknown'] if c['name'] == name], name
    assert not [c for c in d2['tests']['pass'] if c['name'] == name]
    open(path, 'w').write(s3)

move(sys.argv[1], sys.argv[2])
