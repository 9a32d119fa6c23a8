def clamp(value, low=0, high=255):
    return max(low, min(high, value))


def rgb_to_hex(r, g, b):
    r, g, b = clamp(r), clamp(g), clamp(b)
    return "#{:02x}{:02x}{:02x}".format(r, g, b)


def hex_to_rgb(code):
    code = code.lstrip("#")
    return int(code[0:2], 16), int(code[2:4], 16), int(code[4:6], 16)


print(rgb_to_hex(255, 128, 0))
print(hex_to_rgb("#ff8000"))
