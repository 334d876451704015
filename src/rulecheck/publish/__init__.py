"""The official table: a framework written as the table a finance bureau publishes (export), and such a
table read back into a rule-file skeleton (import).

    table.py     the table model (rows of 一级/二级/三级指标, 分值, 指标解释, 评分标准) from a checked program
    criteria.py  the 评分标准 of each rule kind, rendered from the rules themselves
    writers.py   the table as Markdown, an Excel workbook (.xlsx) or a Word document (.docx)
    reader.py    an .xlsx table read back: the indicator tree, points and texts, and the skeleton written
"""

from .reader import read_table, skeleton
from .table import Table, build_table
from .writers import WRITERS, render_table

__all__ = ["WRITERS", "Table", "build_table", "read_table", "render_table", "skeleton"]
