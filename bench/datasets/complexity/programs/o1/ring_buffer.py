class RingBuffer:
    def __init__(self, capacity):
        self.data = [None] * capacity
        self.capacity = capacity
        self.head = 0
        self.size = 0

    def append(self, value):
        idx = (self.head + self.size) % self.capacity
        self.data[idx] = value
        if self.size < self.capacity:
            self.size += 1
        else:
            self.head = (self.head + 1) % self.capacity

    def oldest(self):
        if self.size == 0:
            return None
        return self.data[self.head]


buf = RingBuffer(3)
buf.append(1)
buf.append(2)
buf.append(3)
buf.append(4)
print(buf.oldest())
