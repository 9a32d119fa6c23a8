class Node:
    def __init__(self, value, next=None):
        self.value = value
        self.next = next


def reverse(head):
    prev = None
    node = head
    while node is not None:
        nxt = node.next
        node.next = prev
        prev = node
        node = nxt
    return prev


def build(values):
    head = None
    for v in reversed(values):
        head = Node(v, head)
    return head


node = reverse(build([1, 2, 3, 4]))
while node:
    print(node.value)
    node = node.next
