"""Static Big-O estimation over the Python AST; `static_analyzer.analyze` is the entry."""
