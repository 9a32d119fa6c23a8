def is_bit_set(number, index):
    return (number >> index) & 1 == 1
