def reverse_by_prepending(text):
    out = ""
    for ch in text:
        out = ch + out
    return out
