"""revise: exam revision for a course on customer relationship management (客户关系管理)."""

__version__ = "0.1.0"
