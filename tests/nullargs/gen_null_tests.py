#!/usr/bin/env python3
"""Generates the NULL-argument test: one Check test per exported function and pointer
argument, calling the function with that argument NULL and every other one valid.

Usage: gen_null_tests.py OUT.c OUT.h SYMBOLS MAP HEADER...

OUT.h defines NT_EXPORTED_<function> for every exported function, so that the harness
builds the objects of functions declared before they are exported only once they are.

The declarations come from the public headers, so a new function is covered without an
edit here; null_spec.py says what a valid argument is where the type alone does not, and
which NULLs the headers allow. The generator stops with an error naming every declaration
it cannot handle, every symbol the headers, src/libbilltap.map and
tests/abi/billtap.symbols disagree about, and every allowed NULL whose words (quoted in
null_spec.py) are not in the function's header.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import null_spec as spec  # noqa: E402

DECL = re.compile(r'BILLTAP_EXTERN\(([^)]*)\)\s*(\w+)\s*\(([^;]*?)\)\s*;', re.S)
POINTER_TYPEDEFS = {'billtap_log_fn'}
PHASE_ORDER = ['response', 'request', 'perform']


class Unhandled(Exception):
    pass


def strip_c(text):
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    text = re.sub(r'//[^\n]*', ' ', text)
    return '\n'.join(l for l in text.split('\n') if not l.lstrip().startswith('#'))


def split_params(params):
    parts, depth, cur = [], 0, ''
    for ch in params:
        depth += ch == '('
        depth -= ch == ')'
        if ch == ',' and depth == 0:
            parts.append(cur.strip())
            cur = ''
        else:
            cur += ch
    parts.append(cur.strip())
    return [] if parts == ['void'] else parts


def parse_param(p):
    """'const char *code' -> ('const char *', 'code'); function pointers and arrays too."""
    m = re.fullmatch(r'(.*)\(\s*\*\s*(\w+)\s*\)\s*\((.*)\)', p)
    if m:
        args = ', '.join(parse_param(a)[0] for a in split_params(m.group(3)))
        return '%s (*)(%s)' % (m.group(1).strip(), args), m.group(2)
    m = re.fullmatch(r'(.*?)\s*(\w+)\s*\[(\d*)\]', p)
    if m:
        return '%s [%s]' % (m.group(1).strip(), m.group(3)), m.group(2)
    m = re.fullmatch(r'(.*?[\s*])(\w+)', p)
    if not m:
        raise Unhandled('cannot read parameter %r' % p)
    t = re.sub(r'\s*\*', ' *', m.group(1).strip())
    t = re.sub(r'\* \*', '**', t).replace('* const', '*const')
    return t, m.group(2)


def is_pointer(t):
    return '*' in t or '[' in t or t in POINTER_TYPEDEFS


def declarations(headers):
    decls = []
    for h in headers:
        with open(h) as f:
            text = strip_c(f.read())
        for m in DECL.finditer(text):
            ret = ' '.join(m.group(1).split())
            params = split_params(' '.join(m.group(3).split()))
            decls.append((ret, m.group(2), params, h))
    return decls


def header_words(path):
    """A header's text as one line, comment markers dropped, for finding quoted words."""
    with open(path) as f:
        text = f.read()
    text = re.sub(r'^\s*(/\*\*?|\*/|\*)', ' ', text, flags=re.M)
    return ' '.join(text.replace('*/', ' ').split())


def unquoted_allowances(decls):
    """ALLOWED_NULL entries whose words are not in the header that declares the function:
    each must quote what its header says a NULL does there."""
    where = {name: header for _, name, _, header in decls}
    texts = {}
    problems = []
    for (name, pname), entry in sorted(spec.ALLOWED_NULL.items()):
        header = where.get(name)
        if header is None:
            problems.append('%s: in ALLOWED_NULL but declared in no public header' % name)
            continue
        if header not in texts:
            texts[header] = header_words(header)
        if ' '.join(entry[1].split()) not in texts[header]:
            problems.append('%s (%s NULL): ALLOWED_NULL quotes "%s", which %s does not say'
                            % (name, pname, entry[1], os.path.basename(header)))
    return problems


def expectation(ret):
    """The check and a description of what a NULL gives, by the result's type."""
    if ret == 'int':
        return 'rc == BILLTAP_EINVAL', 'BILLTAP_EINVAL'
    if ret == 'void':
        return None, 'no crash'
    if '*' in ret:
        return 'rc == NULL', 'NULL'
    if ret in ('size_t', 'uint64_t', 'int64_t', 'billtap_record_kind', 'billtap_resource'):
        return 'rc == 0', '0'
    if ret == 'billtap_json_ref':
        return 'rc == BILLTAP_JSON_NONE', 'BILLTAP_JSON_NONE'
    if ret == 'billtap_json_type':
        return 'rc == BILLTAP_JSON_ABSENT', 'BILLTAP_JSON_ABSENT'
    raise Unhandled('no default NULL result for return type %r' % ret)


def result_format(ret):
    if ret == 'void':
        return None
    if '*' in ret:
        return '%p', '(const void *)rc'
    return '%lld', '(long long)rc'


def c_string(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


def valid_values(name, params):
    """Valid C expressions for every parameter, or Unhandled naming the ones missing."""
    overrides = spec.FUNCTION_VALUES.get(name, {})
    values, missing = [], []
    for i, (t, pname) in enumerate(params):
        v = overrides.get(pname)
        if v is None and t == 'size_t' and i > 0 and (pname.endswith('len') or pname == 'raw_len'):
            prev = values[i - 1]
            if prev and prev.startswith('"'):
                v = '(sizeof %s - 1)' % prev
        if v is None and t == 'size_t' and pname in ('cap', 'error_size') and i > 0 \
                and params[i - 1][0] == 'char *':
            v = 'sizeof e->buf'
        if v is None and (not is_pointer(t) or t == 'const char *') and \
                pname in spec.NAME_VALUES:
            v = spec.NAME_VALUES[pname]
        if v is None:
            v = spec.TYPE_VALUES.get(t)
        if v is None:
            missing.append('%s %s' % (t, pname))
        values.append(v)
    if missing:
        raise Unhandled('no valid value for: ' + ', '.join(missing) +
                        ' (add it to tests/nullargs/null_spec.py)')
    return values


def phase_of(name, params):
    phases = {'response', 'request', 'perform'}
    constrained = False
    for t, _ in params:
        if t in spec.TYPE_PHASES:
            phases &= spec.TYPE_PHASES[t]
            constrained = True
    if not constrained:
        return 'host'
    for p in PHASE_ORDER:
        if p in phases:
            return p
    raise Unhandled('its arguments are never valid in one engine call together')


def case_code(ret, name, params, values, k):
    pname = params[k][1]
    key = (name, pname)
    overrides = {}
    if key in spec.ALLOWED_NULL:
        entry = spec.ALLOWED_NULL[key]
        check, why = entry[0], entry[1]
        if len(entry) > 2:
            overrides = entry[2]
        want = '%s (%s)' % (check or 'no crash', why)
    else:
        check, want = expectation(ret)
    args = []
    for i, (t, p) in enumerate(params):
        if i == k:
            args.append('NULL' if t not in POINTER_TYPEDEFS else '(%s)NULL' % t)
        else:
            args.append(overrides.get(p, values[i]))
    call = '%s(%s)' % (name, ', '.join(args))
    fn = 'null_%s__%s' % (name, pname)
    lines = ['static void %s(nt_env *e)' % fn, '{']
    lines.append('\t(void)e;')
    if ret == 'void':
        lines.append('\t%s;' % call)
    else:
        lines.append('\t%s rc = %s;' % (ret, call))
        fmt, arg = result_format(ret)
        if check:
            lines.append('\tck_assert_msg(%s, "%s(%s NULL): got %s, want %s", %s);' % (
                check, name, pname, fmt, c_string(want)[1:-1].replace('%', '%%'), arg))
        else:
            lines.append('\t(void)rc;')
    lines.append('}')
    return fn, '\n'.join(lines)


def read_symbols(path):
    out = {}
    with open(path) as f:
        for line in f:
            line = line.split('#')[0].split()
            if line:
                out[line[0]] = line[1]
    return out


def read_map(path):
    with open(path) as f:
        text = re.sub(r'/\*.*?\*/', ' ', f.read(), flags=re.S)
    return set(re.findall(r'\b(billtap_\w+)\s*;', text))


def main():
    out, out_h, symbols_path, map_path = sys.argv[1:5]
    headers = sys.argv[5:]
    exported = read_symbols(symbols_path)
    mapped = read_map(map_path)
    decls = declarations(headers)
    declared = {d[1] for d in decls}
    problems = []
    for s in sorted(mapped - declared):
        problems.append('%s: in src/libbilltap.map but declared in no public header' % s)
    for s in sorted(declared - mapped):
        problems.append('%s: declared in a public header but missing from src/libbilltap.map' % s)
    for s in sorted(set(exported) - declared):
        problems.append('%s: in tests/abi/billtap.symbols but declared in no public header' % s)
    problems += unquoted_allowances(decls)

    cases, bodies, pending, no_pointer = [], [], [], []
    for ret, name, raw, header in decls:
        try:
            params = [parse_param(p) for p in raw]
            pointers = [i for i, (t, _) in enumerate(params) if is_pointer(t)]
            values = valid_values(name, params)
            phase = phase_of(name, params)
            codes = [case_code(ret, name, params, values, k) for k in pointers]
        except Unhandled as err:
            problems.append('%s (%s): %s' % (name, os.path.basename(header), err))
            continue
        if name not in exported:
            pending.append(name)
            continue
        if not pointers:
            no_pointer.append(name)
        for (fn, body), k in zip(codes, pointers):
            bodies.append(body)
            cases.append((fn, phase, '%s(%s = NULL)' % (name, params[k][1])))

    if problems:
        sys.stderr.write('gen_null_tests.py: cannot generate the NULL-argument test:\n')
        for p in problems:
            sys.stderr.write('  ' + p + '\n')
        sys.exit(1)

    with open(out, 'w') as f:
        f.write('/* Generated by tests/nullargs/gen_null_tests.py from the public headers: '
                'do not edit. */\n')
        f.write('#include <check.h>\n#include <string.h>\n\n#include "null_harness.h"\n\n')
        f.write('/* Exported functions without a pointer argument (nothing to test here): %s. */\n'
                % (', '.join(no_pointer) or 'none'))
        f.write('/* Declared and in the map, not exported yet (covered once listed in '
                'tests/abi/billtap.symbols): %s. */\n\n' % (', '.join(pending) or 'none'))
        f.write('\n\n'.join(bodies))
        f.write('\n\nconst nt_case nt_cases[] = {\n')
        for fn, phase, label in cases:
            f.write('\t{ %s, NT_PHASE_%s, %s },\n' % (fn, phase.upper(), c_string(label)))
        f.write('};\nconst size_t nt_case_count = sizeof nt_cases / sizeof nt_cases[0];\n')
    with open(out_h, 'w') as f:
        f.write('/* Generated by tests/nullargs/gen_null_tests.py: the exported functions. */\n')
        for s in sorted(exported):
            f.write('#define NT_EXPORTED_%s 1\n' % s)
    if pending:
        sys.stderr.write('gen_null_tests.py: not exported yet, so not tested: %s\n'
                         % ', '.join(pending))


if __name__ == '__main__':
    main()
