#!/usr/bin/env python3
"""Writes the linker script that puts the code `ballast run` executes first in .text.

Inputs: the GNU ld map of a release link (-Map) and a callgrind profile of that same
binary taken with --dump-instr=yes. Every input section (a function section, or an
object's whole .text where the object was not compiled with function sections) that holds
an executed instruction goes into one output section, .text.hot, placed before .text.
Code that runs is then packed into few pages instead of being spread over the 13 MB of
.text, where the kernel maps whole page-cache folios around each touched function.
docs/observability.md, "Ballast's own memory", says why and how to regenerate.

usage: hot_text.py --map ballast.map --callgrind callgrind.out --object PATH > hot-text.ld
"""
import argparse
import bisect
import re
import sys

# A section line of the map: " .text.NAME  0xADDR  0xSIZE  FILE", the name alone on its
# line when it is long.
SECTION_ONE_LINE = re.compile(r'^ (\.text\S*)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$')
SECTION_NAME_ONLY = re.compile(r'^ (\.text\S*)\s*$')
SECTION_REST = re.compile(r'^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$')
ARCHIVE_MEMBER = re.compile(r'^(?:.*/)?([^/(]+\.a)\(([^)]+)\)$')
# What GNU ld accepts unquoted as a file pattern in an input section description.
PLAIN_FILE_PATTERN = re.compile(r'^[A-Za-z0-9_./*:+-]+$')


def text_sections(map_path):
    """(address, size, section name, input file) of every non-empty .text* input section."""
    sections = []
    with open(map_path, errors='replace') as handle:
        lines = handle.read().split('\n')
    index = 0
    while index < len(lines):
        line = lines[index]
        named = SECTION_NAME_ONLY.match(line)
        if named and index + 1 < len(lines):
            rest = SECTION_REST.match(lines[index + 1])
            if rest:
                sections.append((int(rest.group(1), 16), int(rest.group(2), 16), named.group(1), rest.group(3)))
                index += 2
                continue
        whole = SECTION_ONE_LINE.match(line)
        if whole:
            sections.append((int(whole.group(2), 16), int(whole.group(3), 16), whole.group(1), whole.group(4)))
        index += 1
    return sorted(section for section in sections if section[1] > 0 and section[0] > 0)


def executed_addresses(callgrind_path, object_path):
    """Instruction addresses callgrind saw executed inside object_path (link-time addresses)."""
    objects = {}
    current = None
    address = 0
    executed = set()
    header = re.compile(r'^(c?ob)=\((\d+)\)(?: (.*))?$')
    with open(callgrind_path, errors='replace') as handle:
        for raw in handle:
            line = raw.rstrip('\n')
            named = header.match(line)
            if named:
                kind, ident, name = named.groups()
                if name:
                    objects[ident] = name
                if kind == 'ob':
                    current = objects.get(ident)
                continue
            if not line or line[0] not in '0123456789+-*':
                continue
            position = line.split()[0]
            if position.startswith('0x'):
                address = int(position, 16)
            elif position[0] in '+-':
                address += int(position)
            elif position != '*':
                continue
            if current == object_path:
                executed.add(address)
    return sorted(executed)


def file_pattern(input_file):
    member = ARCHIVE_MEMBER.match(input_file)
    if member:
        return f'*{member.group(1)}:{member.group(2)}'
    # Build directories differ between machines: match on "<target>.build/<file>.o".
    return '*/' + '/'.join(input_file.split('/')[-2:])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--map', required=True)
    parser.add_argument('--callgrind', required=True)
    parser.add_argument('--object', required=True, help='the profiled binary, as callgrind names it')
    arguments = parser.parse_args()

    sections = text_sections(arguments.map)
    starts = [section[0] for section in sections]
    addresses = executed_addresses(arguments.callgrind, arguments.object)
    if not sections or not addresses:
        sys.exit(f'hot_text.py: nothing to place ({len(sections)} .text sections in {arguments.map}, '
                 f'{len(addresses)} executed addresses for {arguments.object} in {arguments.callgrind}); '
                 'was the profile taken with --dump-instr=yes of the binary linked with this map?')
    whole_objects, functions, skipped = [], [], []
    seen = set()
    hot_bytes = 0
    for address in addresses:
        index = bisect.bisect_right(starts, address) - 1
        if index < 0 or index in seen:
            continue
        start, size, name, input_file = sections[index]
        if not start <= address < start + size:
            continue
        seen.add(index)
        hot_bytes += size
        if name == '.text':
            pattern = file_pattern(input_file)
            if PLAIN_FILE_PATTERN.match(pattern):
                whole_objects.append(pattern)
            else:
                skipped.append(input_file)
        elif '"' not in name:
            functions.append(name)
        else:
            skipped.append(f'{input_file} ({name})')

    print('/* Generated by scripts/release/hot_text.py from a callgrind profile of `ballast run`')
    print('   (scripts/release/profile-hot-text.sh). Code the daemon executes goes first, packed;')
    print(f'   {len(seen)} input sections, {hot_bytes // 1024} KiB. Do not edit by hand. */')
    print('SECTIONS\n{\n  .text.hot :\n  {')
    for pattern in dict.fromkeys(whole_objects):
        print(f'    {pattern}(.text)')
    for name in dict.fromkeys(functions):
        print(f'    *("{name}")')
    print('  }\n}\nINSERT BEFORE .text;')
    print(f'hot_text.py: {len(seen)} executed input sections, {hot_bytes // 1024} KiB: '
          f'{len(dict.fromkeys(whole_objects))} whole objects, {len(dict.fromkeys(functions))} function sections',
          file=sys.stderr)
    for input_file in dict.fromkeys(skipped):
        print(f'hot_text.py: left in place (its name needs quoting): {input_file}', file=sys.stderr)


if __name__ == '__main__':
    main()
