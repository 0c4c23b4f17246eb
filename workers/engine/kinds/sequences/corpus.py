"""The text the `text` dataset's character-level language models learn from: written for this project
(public domain, CC0), plain lower-case English so that a small model's first words show up quickly."""

CORPUS = """\
the river runs past the mill and the mill turns the stone. the stone grinds the grain and the baker \
bakes the bread. the bread is warm in the morning and the children eat it on the way to school. \
at school the teacher draws a line on the board. one line can split two groups of points, but not \
every group. then she draws two lines, and then a curve. the children watch the curve bend around \
the points until every point is on its own side. a network of small units can draw such a curve. \
each unit draws a line, and the next layer mixes the lines into shapes. when the network is wrong, \
the error flows back through the layers, and every weight moves a little against its gradient. \
step by step the loss falls. the river runs past the mill again, and the mill turns the stone again. \
a sequence is a line of things in order: letters in a word, words in a sentence, notes in a song. \
to read a sentence one word at a time, a network must remember what came before. a recurrent \
network keeps a state, a small memory, and updates it with every new word. when the sentence is \
long, the memory of the first word fades, and its gradient fades with it. the long short-term \
memory keeps a cell that gates can protect, so a word from long ago can still be read. attention \
does it another way: every word looks at every other word and takes what it needs. the query asks, \
the keys answer, and the values are what is taken. many heads look in many ways at once. the cat \
sat on the mat, and the dog sat by the door. the cat looked at the dog, and the dog looked at the \
cat, and neither of them moved. the sun went down behind the hill and the lamps came on in the town. \
in the evening the baker counts the loaves that are left, and the miller counts the sacks of grain. \
the teacher counts the papers and reads them one by one. she reads slowly, and she smiles when a \
child has found the curve on their own. the next day the river runs past the mill, the mill turns \
the stone, the stone grinds the grain, and the baker bakes the bread, as the day before. a model \
that has read this text many times can write it again, a letter at a time: first the common \
letters, then short words like the and and, then whole phrases, and at last lines that sound like \
the text but were never in it.
"""
