"""Where the student can go: one table for the home menu, its keys and the command palette.

Each destination names an app action (``action_<name>`` on the app). The home
screen lists those with a key; the palette lists them all, matching the
extra words too.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Destination:
    """One place in the app: its name, what it does, the app action that opens it, and its home key (if any)."""

    label: str
    action: str
    description: str
    words: str = ""  # extra words the palette matches (e.g. English names)
    key: str | None = None  # its key on the home screen; None: palette only
    # The footer has room for about seven keys at 80 columns; the rest are in the menu only.
    in_footer: bool = True


DESTINATIONS: tuple[Destination, ...] = (
    Destination("首页", "home", "回到首页：今日待复习、新题、错题本与各章掌握度", "home"),
    Destination("开始练习", "practice", "先复习到期的题，再学新题", "practice", key="p"),
    Destination("顺序练习", "sequential", "按题库顺序做一章，下次从停下的地方接着做", "sequential order resume", key="x", in_footer=False),
    Destination("随机练习", "random", "从全部题库或一章里随机抽题", "random shuffle", key="r", in_footer=False),
    Destination("专项练习", "special", "只练一种题型，或一个标签的题", "special type tag", key="z", in_footer=False),
    Destination("自定义组卷", "custom", "选章节、题型和题数，练习或限时考试", "custom paper compose", key="g", in_footer=False),
    Destination("考前冲刺", "sprint", "考试前把还没记牢的题再练一遍", "sprint exam date weak", key="k", in_footer=False),
    Destination("错题本", "notebook", "看错题、按章节题型筛选、导出，或全部重做", "notebook wrong", key="w"),
    Destination("章节练习", "chapters", "选一章或一个知识点来练习", "chapter concept", key="c"),
    Destination("模拟考试", "exam", "限时做一份试卷，交卷后看成绩", "exam mock paper", key="e", in_footer=False),
    Destination("背题模式", "study", "看题看答案，可搜索", "study browse search", key="s"),
    Destination("统计", "statistics", "掌握度、每日复习量、正确率、最常错的题", "statistics stats", key="t"),
    Destination("收藏", "bookmarks", "收藏的题：查看、取消收藏，或一起练", "bookmarks favourites starred", key="b", in_footer=False),
    Destination("设置", "settings", "简繁体、主题、考试日期、每日新题上限、目标记忆率", "settings options theme", key="o"),
)

HOME_DESTINATIONS: tuple[Destination, ...] = tuple(destination for destination in DESTINATIONS if destination.key)
