def arrange_words(text):
    words = text.split()
    words.sort(key=lambda w: (len(w), w.lower()))
    return " ".join(words)
