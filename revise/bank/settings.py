"""The bank-wide settings file, `bank.yaml`: readable source titles and course synonyms.

```yaml
sources:
  000_01d0379ea40b424b.txt: {title: 《客户关系管理复习重点》}
synonyms:
  - [顾客, 客户]
  - [便利, 方便]
```

Sources turn the document ids that questions cite into titles students
recognise. Synonym groups are forms the grader treats as the same word
everywhere: fill blanks, judge corrections and key points.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from revise.bank.model import Bank, Source
from revise.bank.yaml_source import NodeReader, Problem, describe_node, read_yaml_file

SETTINGS_KEYS = ("sources", "synonyms")
SOURCE_KEYS = ("title",)


class SettingsParser(NodeReader):
    """Reads `bank.yaml` into a bank's sources and synonyms."""

    def parse(self, root: yaml.Node, bank: Bank) -> None:
        """Fill in `bank.sources` and `bank.synonyms` from the file's root node."""
        fields = self.fields(root, "题库设置文件", SETTINGS_KEYS)
        if fields is None:
            return
        sources_node = fields.get("sources")
        if sources_node is not None:
            self.sources(sources_node, bank)
        synonyms_node = fields.get("synonyms")
        if synonyms_node is not None:
            bank.synonyms = bank.synonyms + self.synonyms(synonyms_node)

    def sources(self, node: yaml.Node, bank: Bank) -> None:
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"“sources”应该是“出处 id: 标题”的一组字段，而不是{describe_node(node)}")
            return
        for key_node, value_node in node.value:
            source_id = self.text(key_node, "出处 id")
            if source_id is None:
                continue
            if isinstance(value_node, yaml.MappingNode):
                fields = self.fields(value_node, f"出处“{source_id}”", SOURCE_KEYS)
                title = self.text(self.require(fields, "title", value_node, f"出处“{source_id}”"), "“title”") if fields is not None else None
            else:
                title = self.text(value_node, f"出处“{source_id}”的标题")
            if title is None:
                continue
            if source_id in bank.sources:
                self.error(key_node, f"出处“{source_id}”写了两次")
                continue
            bank.sources[source_id] = Source(source_id, title)

    def synonyms(self, node: yaml.Node) -> tuple[tuple[str, ...], ...]:
        groups: list[tuple[str, ...]] = []
        seen: dict[str, int] = {}
        for item in self.sequence(node, "“synonyms”"):
            group = tuple(dict.fromkeys(self.texts(item, "一组同义词")))
            if len(group) < 2:
                self.error(item, "一组同义词至少要有两个不同的词")
                continue
            for word in group:
                if word in seen:
                    self.error(item, f"“{word}”已经在第 {seen[word]} 行的同义词组里了；一个词只能属于一组")
                    break
            else:
                line = item.start_mark.line + 1
                seen.update(dict.fromkeys(group, line))
                groups.append(group)
        return tuple(groups)


def load_settings(files: list[Path], bank: Bank, problems: list[Problem]) -> None:
    """Read every settings file into `bank`, recording problems."""
    for path in files:
        root = read_yaml_file(path, problems)
        if root is not None:
            SettingsParser(path, problems).parse(root, bank)
