def dedupe(items):
    out = []
    for x in items:
        if out.count(x) == 0:
            out.append(x)
    return out
