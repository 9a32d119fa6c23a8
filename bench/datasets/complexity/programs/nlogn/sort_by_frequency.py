from collections import Counter


def frequency_sort(words):
    counts = Counter(words)
    return sorted(counts, key=lambda w: (-counts[w], w))


text = "the cat and the hat and the bat"
print(frequency_sort(text.split()))
