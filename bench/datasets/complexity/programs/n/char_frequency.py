def char_frequency(text):
    counts = {}
    for ch in text:
        if ch.isalpha():
            ch = ch.lower()
            counts[ch] = counts.get(ch, 0) + 1
    return counts


def most_common(text):
    counts = char_frequency(text)
    best = None
    for ch, c in counts.items():
        if best is None or c > counts[best]:
            best = ch
    return best


print(most_common("The quick brown fox jumps over the lazy dog"))
