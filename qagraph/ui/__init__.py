"""qagraph.ui"""
