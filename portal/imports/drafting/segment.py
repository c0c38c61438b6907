"""A plan's text as an outline: numbered parts (一、), sections ((一)), items (1. / 一是) and sentences.

No database and no interpretation here: which parts are results and which are plans, and
which level is a section or a task, is decided by drafting.draft from this outline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CHINESE_NUMERALS = "一二三四五六七八九十"
PART_RE = re.compile(rf"^([{CHINESE_NUMERALS}]{{1,3}})[、．.]\s*(.*)$", re.S)
SECTION_RE = re.compile(rf"^[(（]([{CHINESE_NUMERALS}]{{1,3}})[)）]\s*(.*)$", re.S)
# 1. / 1、 / 1 / 1推动… at the start of a line, but not 2023—2027年 nor 3.2%.
NUMBERED_RE = re.compile(
    r"^(\d{1,2})(?![\d.．]\d)(?![所个家人场名位项次批期户张条件元万亿千%％年月日])"
    r"(?:[.．、]\s*|\s+|(?=[\u4e00-\u9fff“《\"]))(.+)$",
    re.S,
)
# 一是 / 二是 … at the start of a text or right after the end of a sentence.
INLINE_ITEM_RE = re.compile(rf"(?:^|(?<=[。；;！？!?]))\s*([{CHINESE_NUMERALS}]{{1,3}})是")
APPENDIX_RE = re.compile(r"^附\s*件")
SENTENCE_ENDS = "。！？!?"
HARD_WRAP_WIDTH = 20
CLOSERS = "”’\"）)】」』"
OPENERS = {"“": "”", "‘": "’", "(": ")）", "（": ")）", "《": "》", "【": "】", "「": "」"}


@dataclass
class Item:
    """A numbered item (1. …) or an enumerated one (一是 …): what becomes a task."""

    marker: str
    text: str

    @property
    def title(self) -> str:
        return first_sentence(self.text)


@dataclass(eq=False)  # compared by identity: two parts may hold the same words
class Node:
    """The document, a part (一、…) or a section ((一)…), with its own text and its children."""

    level: int  # 0 document, 1 part, 2 section
    number: str
    heading: str  # the heading's first sentence, without its number
    text: str = ""  # the node's own text, heading excluded, children excluded
    children: list[Node] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)

    @property
    def intro(self) -> str:
        """The node's text before its first item."""
        return self.text

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


def outline(text: str) -> Node:
    """The outline of a plan's text. Everything from a line starting with 附件 on is left out:
    an appendix repeats the body (often as a table), and the body is what the plan says."""
    document = Node(0, "", "")
    part: Node | None = None
    section: Node | None = None
    item: Item | None = None
    last_number = 0
    previous_line_open = False  # the previous line ended mid-sentence: a hard wrap

    def current() -> Node:
        return section or part or document

    for raw_line in text.split("\n"):
        line = raw_line.strip()
        if not line:
            previous_line_open = False
            continue
        if APPENDIX_RE.match(line):
            break
        part_match, section_match = PART_RE.match(line), SECTION_RE.match(line)
        numbered = NUMBERED_RE.match(line)
        if part_match:
            heading, rest = split_heading(part_match.group(2))
            part = Node(1, part_match.group(1), heading, rest)
            document.children.append(part)
            section, item = None, None
        elif section_match:
            heading, rest = split_heading(section_match.group(2))
            section = Node(2, section_match.group(1), heading, rest)
            (part or document).children.append(section)
            item = None
        elif numbered and int(numbered.group(1)) in {last_number + 1, 1}:
            last_number = int(numbered.group(1))
            item = Item(numbered.group(1), numbered.group(2).strip())
            current().items.append(item)
        else:
            joiner = "" if previous_line_open else "\n"
            if item is not None:
                item.text = (item.text + joiner + line).strip()
            else:
                node = current()
                node.text = (node.text + joiner + line).strip()
        # A long line that stops mid-sentence was wrapped by whatever produced the text (a PDF,
        # a web page): the next line continues it. A short one (a title, a table cell) stands alone.
        previous_line_open = len(line) >= HARD_WRAP_WIDTH and not line.endswith(
            tuple(SENTENCE_ENDS + "：:") + tuple(CLOSERS)
        )
    for node in document.walk():
        _split_inline_items(node)
    return document


def split_heading(text: str) -> tuple[str, str]:
    """(一)锚定…体系。聚焦… → the heading's first sentence and the text after it."""
    text = text.strip()
    end = sentence_end(text, 0)
    if end is None:
        return text.rstrip("。；;：: "), ""
    return text[:end].rstrip("。；;：: "), text[end:].strip()


def _split_inline_items(node: Node) -> None:
    """一是…二是… inside a node's text become its items, when they run 一, 二, 三 in order."""
    matches = [m for m in INLINE_ITEM_RE.finditer(node.text)]
    expected, kept = 1, []
    for match in matches:
        if _numeral(match.group(1)) == expected:
            kept.append(match)
            expected += 1
    if not kept:
        return
    items = []
    for index, match in enumerate(kept):
        end = kept[index + 1].start() if index + 1 < len(kept) else len(node.text)
        items.append(Item(f"{match.group(1)}是", node.text[match.end() : end].strip()))
    node.text = node.text[: kept[0].start()].strip()
    node.items = items + node.items


def _numeral(text: str) -> int:
    digits = {c: i for i, c in enumerate(CHINESE_NUMERALS, start=1)}
    if "十" in text:
        tens, _sep, ones = text.partition("十")
        return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)
    return digits.get(text, 0)


def sentences(text: str) -> list[str]:
    """Sentences ending with 。！？ or a line break (closing quotes and brackets kept with them);
    ；does not end one."""
    found, start = [], 0
    while start < len(text):
        end = sentence_end(text, start)
        if end is None:
            end = len(text)
        sentence = text[start:end].strip()
        if sentence:
            found.append(sentence)
        start = end
    return found


def sentence_end(text: str, start: int) -> int | None:
    """Index just past the end of the sentence starting at start; None if it runs to the end.
    A 。 inside brackets (an aside) does not end the sentence."""
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if char in "(（":
            depth += 1
        elif char in ")）":
            depth = max(0, depth - 1)
        elif char == "\n":
            return index + 1
        elif char in SENTENCE_ENDS and depth == 0:
            end = index + 1
            while end < len(text) and text[end] in CLOSERS:
                end += 1
            return end
    return None


def first_sentence(text: str) -> str:
    end = sentence_end(text, 0)
    return (text[:end] if end else text).strip().rstrip("。；;：: ")


def protected_spans(text: str, *, brackets: bool = True) -> list[tuple[int, int]]:
    """Spans inside quotation marks, 《titles》 and (optionally) brackets: names and asides.
    A number there (“两个前沿”, 《…2024年…》, (1次政策宣介…)) is not a quantity the plan sets."""
    spans, stack = [], []
    straight_open: int | None = None
    for index, char in enumerate(text):
        if char == '"':
            if straight_open is None:
                straight_open = index
            else:
                spans.append((straight_open, index + 1))
                straight_open = None
            continue
        if char in OPENERS and (brackets or char not in "(（"):
            stack.append((char, index))
        elif stack and char in OPENERS[stack[-1][0]]:
            opener, begin = stack.pop()
            # (含新增高技能人才15万人), (其中…): a part of the target before it, not an aside.
            if not stack and not (opener in "(（" and re.match(r"\s*(?:含|其中|包括)", text[begin + 1 : index])):
                spans.append((begin, index + 1))
    return spans


def inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(begin <= position < end for begin, end in spans)
