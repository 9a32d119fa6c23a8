def is_power_of_two(n: int) -> bool:
    return n > 0 and (n & (n - 1)) == 0


def lowest_set_bit(n: int) -> int:
    return n & -n


def toggle_case(ch: str) -> str:
    return chr(ord(ch) ^ 32) if ch.isalpha() else ch


x = 96
print(is_power_of_two(x), lowest_set_bit(x), toggle_case("a"))
