def no_consecutive_ones(n):
    out = []

    def build(prefix):
        if len(prefix) == n:
            out.append(prefix)
            return
        build(prefix + "0")
        if not prefix or prefix[-1] != "1":
            build(prefix + "1")

    build("")
    return out
